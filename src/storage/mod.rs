//! Storage (to be written)
