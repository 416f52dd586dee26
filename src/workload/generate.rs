//! Workloads made from others: repeated orders, or random orders from a menu.
