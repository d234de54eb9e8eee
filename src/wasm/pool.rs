//! The wasm modules' allocator: blocks from free lists, one per power-of-two
//! size class, carved from memory the module grows.
//!
//! Scoring a customer allocates a few dozen small blocks (its strings, its
//! orders, the result's maps) and frees them before the call returns; the
//! larger blocks (the input area, a batch's columns) are few and long-lived.
//! A block comes off the free list of its class and goes back onto it, a few
//! instructions each way; a class with an empty list takes a fresh block from
//! the end of the heap, growing wasm memory when needed. Freed blocks stay in
//! their class for the next request of that size, and wasm memory never
//! shrinks anyway, so the memory the module holds is, per class, the most it
//! ever had live at once. Compared with dlmalloc under the same free lists
//! for small blocks, this keeps the scoring module about 3 KB smaller gzipped
//! (docs/architecture.md). The fitting module, whose bulk work allocates large
//! vectors of many sizes, keeps dlmalloc for blocks over 2 KB, which it can
//! split and merge.
//!
//! Only for wasm32 without threads: the state is plain statics.

use std::alloc::{GlobalAlloc, Layout, System};
use std::arch::wasm32::memory_grow;
use std::cell::UnsafeCell;

/// The smallest class; a block is at least this large and this aligned.
const ALIGN: usize = 16;
/// Classes of 16, 32, …, 2³¹ bytes.
const CLASSES: usize = 28;
/// Whether blocks over [`LARGEST`] are dlmalloc's (the fitting module).
const DLMALLOC: bool = cfg!(feature = "fit");
/// The largest block from the free lists in the fitting module.
const LARGEST: usize = 2048;
const PAGE: usize = 65_536;

struct State {
    /// Heads of the free lists; each free block holds the address of the next.
    free: [*mut u8; CLASSES],
    /// The unused end of the heap: fresh blocks come from `top..end`.
    top: usize,
    end: usize,
}

struct Pool(UnsafeCell<State>);

// wasm32 without the atomics feature runs one thread.
unsafe impl Sync for Pool {}

#[global_allocator]
static POOL: Pool = Pool(UnsafeCell::new(State {
    free: [std::ptr::null_mut(); CLASSES],
    top: 0,
    end: 0,
}));

/// The class of a layout (blocks of `ALIGN << class` bytes), or `None` for dlmalloc.
#[inline]
fn class(layout: Layout) -> Option<usize> {
    if DLMALLOC && layout.size() > LARGEST {
        return None;
    }
    let size = layout
        .size()
        .max(layout.align())
        .max(ALIGN)
        .checked_next_power_of_two()?;
    let k = (size / ALIGN).trailing_zeros() as usize;
    (k < CLASSES).then_some(k)
}

impl State {
    /// A fresh block of `size` bytes aligned to `align`, from the end of the
    /// heap (from dlmalloc in the fitting module, whose heap it is).
    fn carve(&mut self, size: usize, align: usize) -> *mut u8 {
        if DLMALLOC {
            // SAFETY: size is a power of two of at least 16 and align a power of two.
            return unsafe { System.alloc(Layout::from_size_align_unchecked(size, align)) };
        }
        loop {
            let at = (self.top + align - 1) & !(align - 1);
            let Some(top) = at.checked_add(size) else {
                return std::ptr::null_mut();
            };
            if top <= self.end && self.end != 0 {
                self.top = top;
                return at as *mut u8;
            }
            let pages = (top.saturating_sub(self.end)).div_ceil(PAGE).max(1);
            let before = memory_grow(0, pages);
            if before == usize::MAX {
                return std::ptr::null_mut();
            }
            if before * PAGE != self.end {
                // The first block, or memory grown by someone else: start at the new pages.
                self.top = before * PAGE;
            }
            self.end = (before + pages) * PAGE;
        }
    }
}

unsafe impl GlobalAlloc for Pool {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(k) = class(layout) else {
            return if DLMALLOC {
                System.alloc(layout)
            } else {
                std::ptr::null_mut()
            };
        };
        let state = &mut *self.0.get();
        let p = state.free[k];
        // A block of class k is aligned to 16, or to its own size when carved
        // for a larger alignment: a free one may serve only if it is aligned.
        if !p.is_null() && p as usize & (layout.align() - 1) == 0 {
            state.free[k] = *(p as *mut *mut u8);
            return p;
        }
        state.carve(ALIGN << k, layout.align().max(ALIGN))
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match class(layout) {
            Some(k) => {
                let state = &mut *self.0.get();
                *(p as *mut *mut u8) = state.free[k];
                state.free[k] = p;
            }
            None if DLMALLOC => System.dealloc(p, layout),
            None => {}
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(size, layout.align());
        match (class(layout), class(new)) {
            (Some(a), Some(b)) if a == b => return p,
            (None, None) if DLMALLOC => return System.realloc(p, layout, size),
            _ => {}
        }
        let q = self.alloc(new);
        if !q.is_null() {
            std::ptr::copy_nonoverlapping(p, q, layout.size().min(size));
            self.dealloc(p, layout);
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_growing_block_keeps_its_bytes_through_every_class() {
        let mut v: Vec<u8> = Vec::new();
        for i in 0..300_000u32 {
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
