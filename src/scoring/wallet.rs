//! Share of wallet (domain.md §4: "measure share of wallet, not market
//! share"): the customer's `wallet` gives what they spend on each category
//! anywhere in a year (from a survey or a panel); the share of a category is
//! this store's spend on it in the 365 days up to `asOf` over that amount,
//! and `overall` is the store's spend on the wallet's categories over the
//! wallet's total. A share over 1 means the wallet is understated: it is
//! capped at 1 and `capped` is set. A spend of 0 against a wallet of 0 is a
//! share of 0.

use crate::input::customer::Customer;
use crate::input::tape::Name;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// `value.shareOfWallet`, names held as `N`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareOfWallet<N> {
    /// Store spend on the wallet's categories over the wallet's total, at most 1.
    pub overall: f64,
    /// Whether a share (a category's or the overall one) was over 1 and capped.
    pub capped: bool,
    /// Each wallet category's share, at most 1, sorted by name.
    pub categories: Vec<(N, f64)>,
}

impl<N> ShareOfWallet<N> {
    /// The same shares with each name converted by `f`.
    pub fn map_names<M>(self, f: impl Fn(N) -> M) -> ShareOfWallet<M> {
        ShareOfWallet {
            overall: self.overall,
            capped: self.capped,
            categories: self
                .categories
                .into_iter()
                .map(|(n, s)| (f(n), s))
                .collect(),
        }
    }
}

impl ShareOfWallet<String> {
    /// As JSON: `{ overall, capped, categories }`.
    pub fn to_json(&self) -> crate::input::json::Json {
        use crate::input::json::Json;
        let categories = self.categories.iter();
        let categories = categories.map(|(n, s)| (n.clone().into(), Json::Num(*s)));
        Json::Obj(vec![
            ("overall".into(), Json::Num(self.overall)),
            ("capped".into(), Json::Bool(self.capped)),
            ("categories".into(), Json::Obj(categories.collect())),
        ])
    }
}

/// `spend` over `amount`, capped at 1 (setting `capped`); 0 over 0 is 0.
fn share(spend: f64, amount: f64, capped: &mut bool) -> f64 {
    if spend > amount {
        *capped = true;
        1.0
    } else if amount > 0.0 {
        spend / amount
    } else {
        0.0
    }
}

/// The customer's share of wallet as of `as_of`; `None` without a wallet.
pub fn share_of_wallet<'t>(c: &Customer<'t>, as_of: i64) -> Option<ShareOfWallet<Name<'t>>> {
    let wallet = c.wallet.as_ref()?;
    let mut entries: Vec<(Name<'t>, f64, f64)> = wallet.iter().map(|&(n, a)| (n, a, 0.0)).collect();
    crate::sort::heapsort(&mut entries, |a, b| a.0.text < b.0.text);
    let year_ago = as_of - 365 * DAY_MS;
    for o in c.orders.iter().filter(|o| o.at > year_ago) {
        if let Some(cat) = &o.category {
            if let Ok(i) = entries.binary_search_by(|e| e.0.text.cmp(cat.text)) {
                entries[i].2 += o.amount;
            }
        }
    }
    let (mut spend, mut total, mut capped) = (0.0, 0.0, false);
    let categories = entries
        .iter()
        .map(|&(n, amount, s)| {
            spend += s;
            total += amount;
            (n, share(s, amount, &mut capped))
        })
        .collect();
    Some(ShareOfWallet {
        overall: share(spend, total, &mut capped),
        capped,
        categories,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_capped_at_one_and_nothing_of_nothing_is_zero() {
        let mut capped = false;
        assert_eq!(share(30.0, 120.0, &mut capped), 0.25);
        assert!(!capped);
        assert_eq!(share(0.0, 0.0, &mut capped), 0.0);
        assert!(!capped);
        assert_eq!(share(5.0, 0.0, &mut capped), 1.0);
        assert!(capped);
    }
}
