//! Scores a tape written by `js/interop.js` (options, then an array of
//! customers; `node benches/profile-tape.mjs` writes one) natively, for
//! profiling with callgrind:
//!
//! ```sh
//! node benches/profile-tape.mjs
//! cargo build --release --example profile_score
//! valgrind --tool=callgrind target/release/examples/profile_score /tmp/tape 10
//! ```
use crmscore::input::customer::Customer;
use crmscore::input::json::Json;
use crmscore::input::tape::{Item, Tape};
use crmscore::{ScoreOptions, Scorer};

fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("the tape's path without extension");
    let rounds: usize = args.next().map_or(1, |n| n.parse().expect("rounds"));
    let nums: Vec<f64> = std::fs::read(format!("{base}.f64"))
        .unwrap()
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let bytes = std::fs::read(format!("{base}.u8")).unwrap();
    let meta = Json::parse(&std::fs::read_to_string(format!("{base}.json")).unwrap()).unwrap();
    let Json::Obj(entries) = &meta else {
        panic!("meta")
    };
    let strings = match entries.iter().find(|(k, _)| k == "strings") {
        Some((_, Json::Num(n))) => *n as u32,
        _ => 0,
    };
    let config = entries
        .iter()
        .find(|(k, _)| k == "config")
        .map(|(_, v)| v.clone())
        .unwrap_or(Json::Null);
    let scorer = Scorer::new(&config).unwrap();
    let tape = Tape::new(&nums, &bytes, strings);
    let mut out = Vec::new();
    let mut total = 0.0;
    for _ in 0..rounds {
        let mut r = tape.reader();
        let options = ScoreOptions::read(&mut r, 0).unwrap();
        let Item::Arr(span) = r.item().unwrap() else {
            panic!("customers")
        };
        let mut items = r.inside(span);
        for _ in 0..span.len {
            out.clear();
            let c = Customer::read(&mut items, options.as_of, &scorer.config().limits).unwrap();
            scorer.write_result(&c, options, &mut out);
            total += out[4];
        }
    }
    println!("{total}");
}
