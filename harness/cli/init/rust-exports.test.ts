import { expect, it } from 'vitest';
import { findEntryCandidates } from './rust-exports.ts';

const SOURCE = `use std::ffi::c_int;

#[no_mangle]
pub extern "C" fn pytest() {}

/// Doc comments and other attributes may sit between.
#[unsafe(no_mangle)]
#[allow(clippy::missing_safety_doc)]
pub unsafe extern "C" fn run_checks() -> c_int { 0 }

#[no_mangle]
pub extern "C" fn status() -> i32 { 0 }

#[no_mangle]
pub extern "C" fn add(a: i32, b: i32) -> i32 { a + b }

#[no_mangle]
pub extern "C" fn name() -> *const c_char { std::ptr::null() }

pub extern "C" fn not_exported() {}

#[no_mangle]
extern "C" fn private_one() {}

// #[no_mangle]
// pub extern "C" fn commented_out() {}
/*
#[no_mangle]
pub extern "C" fn in_block_comment() {}
*/
#[no_mangle]
pub extern "C" fn with_std_int() -> std::os::raw::c_int { 0 }
`;

it('finds #[no_mangle] / #[unsafe(no_mangle)] pub extern "C" fns without arguments, returning nothing or an int', () => {
  expect(findEntryCandidates(SOURCE)).toEqual([
    { name: 'pytest', returnsInt: false, line: 4 },
    { name: 'run_checks', returnsInt: true, line: 9 },
    { name: 'status', returnsInt: true, line: 12 },
    { name: 'with_std_int', returnsInt: true, line: 32 },
  ]);
});

it('finds nothing in a crate without exports', () => {
  expect(findEntryCandidates('#[pyfunction]\nfn double(x: i64) -> i64 { x * 2 }\n')).toEqual([]);
});
