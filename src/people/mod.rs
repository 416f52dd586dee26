//! The people API: the article's last program, `asinc2.py`, which fetches
//! nine people from swapi at once, made real and offline.
pub mod client;
pub mod data;
