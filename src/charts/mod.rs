//! Charts: statistics in, SVG text out, drawn with plotters. (to be written)
