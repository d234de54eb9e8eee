//! The wasm modules' allocator: small blocks from free lists, one per size
//! class, over the standard allocator.
//!
//! Scoring a customer allocates a few dozen small blocks (its strings, its
//! orders, the result's maps) and frees them before the call returns. The
//! standard allocator (dlmalloc) spent about a sixth of a `score()` call on
//! them; here a block of at most [`LARGEST`] bytes comes off the free list of
//! its power-of-two class and goes back onto it, a few instructions each way.
//! Freed small blocks stay in their class for the next call rather than going
//! back to dlmalloc, so the memory they hold is the most a call ever had live
//! at once. Larger blocks, and any alignment over [`ALIGN`], go to dlmalloc.
//!
//! Only for wasm32 without threads: the free lists are plain statics.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;

/// The smallest class; a block is at least this large and this aligned.
const ALIGN: usize = 16;
/// The largest pooled block, in bytes.
const LARGEST: usize = 2048;
/// Classes of 16, 32, …, 2048 bytes.
const CLASSES: usize = (LARGEST / ALIGN).trailing_zeros() as usize + 1;

/// Heads of the free lists; each free block holds the address of the next.
struct Pool(UnsafeCell<[*mut u8; CLASSES]>);

// wasm32 without the atomics feature runs one thread.
unsafe impl Sync for Pool {}

#[global_allocator]
static POOL: Pool = Pool(UnsafeCell::new([std::ptr::null_mut(); CLASSES]));

/// The class of a layout, if its blocks are pooled.
fn class(layout: Layout) -> Option<usize> {
    if layout.size() > LARGEST || layout.align() > ALIGN {
        return None;
    }
    Some((layout.size().max(ALIGN).next_power_of_two() / ALIGN).trailing_zeros() as usize)
}

/// The layout a block of class `k` is taken from dlmalloc with.
fn block(k: usize) -> Layout {
    // ALIGN << k is a power of two no larger than LARGEST: always a valid layout.
    unsafe { Layout::from_size_align_unchecked(ALIGN << k, ALIGN) }
}

unsafe impl GlobalAlloc for Pool {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(k) = class(layout) else {
            return System.alloc(layout);
        };
        let head = &mut (*self.0.get())[k];
        if head.is_null() {
            return System.alloc(block(k));
        }
        let p = *head;
        *head = *(p as *mut *mut u8);
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        let Some(k) = class(layout) else {
            return System.dealloc(p, layout);
        };
        let head = &mut (*self.0.get())[k];
        *(p as *mut *mut u8) = *head;
        *head = p;
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(size, layout.align());
        match (class(layout), class(new)) {
            (None, None) => System.realloc(p, layout, size),
            (Some(a), Some(b)) if a == b => p,
            _ => {
                let q = self.alloc(new);
                if !q.is_null() {
                    std::ptr::copy_nonoverlapping(p, q, layout.size().min(size));
                    self.dealloc(p, layout);
                }
                q
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_growing_block_keeps_its_bytes_through_every_class_and_past_the_largest() {
        let mut v: Vec<u8> = Vec::new();
        for i in 0..5000u32 {
            v.push(i as u8);
        }
        assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
        v.truncate(10);
        v.shrink_to_fit();
        assert_eq!(v, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[wasm_bindgen_test]
    fn a_freed_block_is_the_next_one_of_its_class() {
        let a = Box::new([7u8; 100]);
        let at = &*a as *const [u8; 100] as usize;
        drop(a);
        // 100 and 120 bytes are both in the 128-byte class.
        let b = Box::new([9u8; 120]);
        assert_eq!(&*b as *const [u8; 120] as usize, at);
        assert!(b.iter().all(|&x| x == 9));
    }

    #[wasm_bindgen_test]
    fn blocks_are_aligned_as_asked() {
        #[repr(align(16))]
        struct Sixteen([u8; 24]);
        #[repr(align(64))]
        struct SixtyFour([u8; 8]);
        for _ in 0..4 {
            let a = Box::new(Sixteen([1; 24]));
            let b = Box::new(SixtyFour([2; 8]));
            assert_eq!(&*a as *const Sixteen as usize % 16, 0);
            assert_eq!(&*b as *const SixtyFour as usize % 64, 0);
            assert_eq!((a.0[23], b.0[7]), (1, 2));
        }
    }
}
