//! Reading a workload from a TOML or JSON file.
