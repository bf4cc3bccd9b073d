//! A host program linked against the library at build time (it needs `-L target/debug` to link,
//! and LD_LIBRARY_PATH to start): the case that always works, for comparison.
#[link(name = "mylib")]
extern "C" {
    fn pytest();
}

fn main() {
    unsafe { pytest() };
}
