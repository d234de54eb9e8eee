//! The CSV transaction reader on arbitrary text, with options taken from the
//! first byte; checks the table's columns line up.

#![no_main]

use crmscore::fit::csv::{read_transactions, ColumnNames, CsvOptions, Delimiter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let delimiter = match mode & 3 {
        0 => Delimiter::Byte(b','),
        1 => Delimiter::Byte(b';'),
        2 => Delimiter::Byte(b'\t'),
        _ => Delimiter::Whitespace,
    };
    let header = mode & 4 == 0;
    let options = CsvOptions {
        delimiter,
        header,
        max_line_length: if mode & 8 == 0 { 65_536 } else { 24 },
        strict: mode & 16 != 0,
        max_reported: if mode & 32 == 0 { 100 } else { 2 },
    };
    let cost = (mode & 64 != 0).then(|| {
        if header {
            "cost".to_string()
        } else {
            "4".to_string()
        }
    });
    let columns = if header {
        ColumnNames {
            customer: "id".into(),
            date: "date".into(),
            amount: "amount".into(),
            cost,
        }
    } else {
        ColumnNames {
            customer: "1".into(),
            date: "2".into(),
            amount: "3".into(),
            cost,
        }
    };
    let Ok(t) = read_transactions(&text, &columns, &options) else {
        return;
    };
    let n = t.customer.len();
    assert_eq!(t.at_ms.len(), n);
    assert_eq!(t.amount.len(), n);
    if let Some(c) = &t.cost {
        assert_eq!(c.len(), n);
        assert!(c.iter().all(|x| x.is_finite() && *x >= 0.0));
    }
    assert_eq!(t.rows, n + t.skipped);
    assert!(t.errors.len() <= options.max_reported.min(t.skipped));
    assert!(t
        .customer
        .iter()
        .all(|&i| (i as usize) < t.customer_ids.len()));
    assert!(t.amount.iter().all(|x| x.is_finite() && *x >= 0.0));
    if options.strict {
        assert_eq!(t.skipped, 0);
    }
});
