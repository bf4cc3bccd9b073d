//! A host program that loads the library at run time with libloading's defaults
//! (`Library::new` = dlopen with RTLD_LAZY | RTLD_LOCAL), then calls `pytest()`.
//! usage: host LIBRARY
fn main() {
    let path = std::env::args().nth(1).expect("usage: host LIBRARY");
    let library = unsafe { libloading::Library::new(&path) }.expect("cannot load the library");
    let pytest: libloading::Symbol<unsafe extern "C" fn()> = unsafe { library.get(b"pytest\0") }.expect("no pytest()");
    unsafe { pytest() };
}
