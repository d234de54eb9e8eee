//! Generated from `data/segments.json` by `CRMSCORE_WRITE=1 cargo test --lib builtin_tape`: do not edit.
//! The tape's numbers are packed (`super::packed`): whole numbers of 16 bits, without the
//! strings' first bytes and ordinals and the containers' slot counts.

use crate::error::Result;
use crate::input::json::Json;
use crate::input::tape::Tape;

/// The built-in definitions, read from the tape.
pub(super) fn json() -> Result<Json> {
    let nums = super::packed::unpack(&NUMS);
    Tape::new(&nums, TEXT.as_bytes(), STRINGS).reader().json(0)
}

const STRINGS: u32 = 183;

#[rustfmt::skip]
const TEXT: &str = "lapsed-high-valuenameHigh value, no recent purchasegoalwin-backprioritywhenvalue.abc in ['A', 'B'] && value.recencyDays > 90exitWhenvalue.recencyDays <= 90actionsA new campaign aimed at them: show what they miss, not a material bribeIf they still leave, let them go and say the door stays openfirst-time-buyersnameFirst-time buyersgoalrepeatprioritywhenvalue.frequency == 1exitWhenvalue.frequency >= 2actionsWelcome packageOffer built on the first purchasePromote items viewed or left in the cartbook-buyersnameBook buyersgoalcross-sellprioritywhenbought(store.books) > 0 && bought(store.video) == 0exitWhenbought(store.video) > 0actionsVideo offer on the topics of their booksVideos bought by buyers of the same booksvideo-buyersnameVideo buyersgoalup-sellprioritywhenbought(store.video) > 0 && bought(store.dvd) == 0exitWhenbought(store.dvd) > 0actionsDVD of the same star, film or genreLower first price on the first DVDquarterly-buyersnameQuarterly buyersgoalintensifyprioritywhenvalue.frequency >= 2 && value.ordersPerYear >= 3.0 && value.ordersPerYear < 6.0 && value.recencyDays <= 180exitWhenvalue.ordersPerYear >= 12.0actionsRegular contactLearn their needs across the product linechampionsnameChampionsgoalretainprioritywhenvalue.rfm.r >= 4 && value.rfm.f + value.rfm.m >= 8actionsReward them: early access, members' rightsAsk for reviews and referralscant-lose-themnameCan't lose themgoalwin-backprioritywhenvalue.rfm.r == 1 && value.rfm.f + value.rfm.m >= 8actionsWin them back with a personal contactShow what is new since their last purchaseat-risknameAt riskgoalwin-backprioritywhen(value.rfm.r == 2 && value.rfm.f + value.rfm.m >= 6) || (value.rfm.r == 1 && value.rfm.f + value.rfm.m >= 6 && value.rfm.f + value.rfm.m < 8)actionsPersonal message about what they used to buyService check: ask what went wrongloyal-customersnameLoyal customersgoalup-sellprioritywhen(value.rfm.r == 3 && value.rfm.f + value.rfm.m >= 6) || (value.rfm.r >= 4 && value.rfm.f + value.rfm.m >= 6 && value.rfm.f + value.rfm.m < 8)actionsUp-sell higher-value productsInvite to the loyalty programmenew-customersnameNew customersgoalrepeatprioritywhenvalue.rfm.r == 5 && value.rfm.f + value.rfm.m <= 3actionsOnboarding: help them get value from the first purchasepromisingnamePromisinggoalrepeatprioritywhenvalue.rfm.r == 4 && value.rfm.f + value.rfm.m <= 3actionsBuild the relationship: a reason to come back soonpotential-loyalistsnamePotential loyalistsgoalintensifyprioritywhenvalue.rfm.r >= 4 && value.rfm.f + value.rfm.m > 3 && value.rfm.f + value.rfm.m < 6actionsMembership or loyalty programme offerRecommend related productsneed-attentionnameNeed attentiongoalretainprioritywhenvalue.rfm.r == 3 && value.rfm.f + value.rfm.m >= 4 && value.rfm.f + value.rfm.m < 6actionsLimited-time offer based on their historyabout-to-sleepnameAbout to sleepgoalretainprioritywhenvalue.rfm.r == 3 && value.rfm.f + value.rfm.m < 4actionsShare popular productsReconnect before they lapsehibernatingnameHibernatinggoalwin-backprioritywhenvalue.rfm.r == 2 && value.rfm.f + value.rfm.m < 6actionsOffer other relevant productsRecreate brand valuelostnameLostgoalwin-backprioritywhenvalue.rfm.r == 1 && value.rfm.f + value.rfm.m < 6actionsRevive interest with an outreach campaign, or let them go";

#[rustfmt::skip]
const NUMS: [i16; 480] = [
    5, 16, 6, 7, -8, 4, 17, 4, 4, 4, 30, 4, 4, 4, 8, 4, 8, 3, 10, 4,
    4, 4, 49, 4, 8, 4, 23, 4, 7, 5, 2, 4, 71, 4, 60, 6, 7, -8, 4, 17,
    4, 4, 4, 17, 4, 4, 4, 6, 4, 8, 3, 20, 4, 4, 4, 20, 4, 8, 4, 20,
    4, 7, 5, 3, 4, 15, 4, 33, 4, 40, 6, 7, -8, 4, 11, 4, 4, 4, 11, 4,
    4, 4, 10, 4, 8, 3, 30, 4, 4, 4, 51, 4, 8, 4, 23, 4, 7, 5, 2, 4,
    40, 4, 41, 6, 7, -8, 4, 12, 4, 4, 4, 12, 4, 4, 4, 7, 4, 8, 3, 40,
    4, 4, 4, 49, 4, 8, 4, 21, 4, 7, 5, 2, 4, 35, 4, 34, 6, 7, -8, 4,
    16, 4, 4, 4, 16, 4, 4, 4, 9, 4, 8, 3, 50, 4, 4, 4, 107, 4, 8, 4,
    27, 4, 7, 5, 2, 4, 15, 4, 41, 6, 6, -8, 4, 9, 4, 4, 4, 9, 4, 4,
    4, 6, 4, 8, 3, 60, 4, 4, 4, 50, 4, 7, 5, 2, 4, 42, 4, 29, 6, 6,
    -8, 4, 14, 4, 4, 4, 15, 4, 4, 4, 8, 4, 8, 3, 61, 4, 4, 4, 50, 4,
    7, 5, 2, 4, 37, 4, 42, 6, 6, -8, 4, 7, 4, 4, 4, 7, 4, 4, 4, 8,
    4, 8, 3, 62, 4, 4, 4, 141, 4, 7, 5, 2, 4, 44, 4, 34, 6, 6, -8, 4,
    15, 4, 4, 4, 15, 4, 4, 4, 7, 4, 8, 3, 63, 4, 4, 4, 141, 4, 7, 5,
    2, 4, 29, 4, 31, 6, 6, -8, 4, 13, 4, 4, 4, 13, 4, 4, 4, 6, 4, 8,
    3, 64, 4, 4, 4, 50, 4, 7, 5, 1, 4, 55, 6, 6, -8, 4, 9, 4, 4, 4,
    9, 4, 4, 4, 6, 4, 8, 3, 65, 4, 4, 4, 50, 4, 7, 5, 1, 4, 50, 6,
    6, -8, 4, 19, 4, 4, 4, 19, 4, 4, 4, 9, 4, 8, 3, 66, 4, 4, 4, 82,
    4, 7, 5, 2, 4, 37, 4, 26, 6, 6, -8, 4, 14, 4, 4, 4, 14, 4, 4, 4,
    6, 4, 8, 3, 67, 4, 4, 4, 83, 4, 7, 5, 1, 4, 41, 6, 6, -8, 4, 14,
    4, 4, 4, 14, 4, 4, 4, 6, 4, 8, 3, 68, 4, 4, 4, 49, 4, 7, 5, 2,
    4, 22, 4, 27, 6, 6, -8, 4, 11, 4, 4, 4, 11, 4, 4, 4, 8, 4, 8, 3,
    69, 4, 4, 4, 49, 4, 7, 5, 2, 4, 29, 4, 20, 6, 6, -8, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 8, 4, 8, 3, 70, 4, 4, 4, 49, 4, 7, 5, 1, 4, 57,
];
