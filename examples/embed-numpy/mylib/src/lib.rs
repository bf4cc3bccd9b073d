//! A library that embeds Python and imports NumPy when its host calls `pytest()`. Like many real
//! programs, it prints only the top-level error and carries on: with NumPy >= 1.25 that line is
//! the misleading "you should not try to import numpy from its source directory".
use pyo3::prelude::*;

#[no_mangle]
pub extern "C" fn pytest() {
    #[cfg(feature = "fix-libpython")]
    if let Err(error) = promote_libpython::promote_libpython() {
        eprintln!("promote_libpython: {error}");
    }
    Python::with_gil(|py| match py.import_bound("numpy") {
        Ok(_) => println!("ok"),
        Err(error) => println!("error: {error}"),
    });
}
