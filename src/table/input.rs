//! Reading record files (Parquet) for the corpus reader, through Polars.
