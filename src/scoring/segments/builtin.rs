//! Generated from `data/segments.json` by `CRMSCORE_WRITE=1 cargo test --lib builtin_tape`: do not edit.
//! The tape's numbers are all integers, kept as `i32` (half the size of `f64`).

use crate::error::Result;
use crate::input::json::Json;
use crate::input::tape::Tape;

/// The built-in definitions, read from the tape.
pub(super) fn json() -> Result<Json> {
    let nums: Vec<f64> = NUMS.iter().map(|&n| f64::from(n)).collect();
    Tape::new(&nums, TEXT.as_bytes(), STRINGS).reader().json(0)
}

const STRINGS: u32 = 183;

#[rustfmt::skip]
const TEXT: &str = "lapsed-high-valuenameHigh value, no recent purchasegoalwin-backprioritywhenvalue.abc in ['A', 'B'] && value.recencyDays > 90exitWhenvalue.recencyDays <= 90actionsA new campaign aimed at them: show what they miss, not a material bribeIf they still leave, let them go and say the door stays openfirst-time-buyersnameFirst-time buyersgoalrepeatprioritywhenvalue.frequency == 1exitWhenvalue.frequency >= 2actionsWelcome packageOffer built on the first purchasePromote items viewed or left in the cartbook-buyersnameBook buyersgoalcross-sellprioritywhenbought(store.books) > 0 && bought(store.video) == 0exitWhenbought(store.video) > 0actionsVideo offer on the topics of their booksVideos bought by buyers of the same booksvideo-buyersnameVideo buyersgoalup-sellprioritywhenbought(store.video) > 0 && bought(store.dvd) == 0exitWhenbought(store.dvd) > 0actionsDVD of the same star, film or genreLower first price on the first DVDquarterly-buyersnameQuarterly buyersgoalintensifyprioritywhenvalue.frequency >= 2 && value.ordersPerYear >= 3.0 && value.ordersPerYear < 6.0 && value.recencyDays <= 180exitWhenvalue.ordersPerYear >= 12.0actionsRegular contactLearn their needs across the product linechampionsnameChampionsgoalretainprioritywhenvalue.rfm.r >= 4 && value.rfm.f + value.rfm.m >= 8actionsReward them: early access, members' rightsAsk for reviews and referralscant-lose-themnameCan't lose themgoalwin-backprioritywhenvalue.rfm.r == 1 && value.rfm.f + value.rfm.m >= 8actionsWin them back with a personal contactShow what is new since their last purchaseat-risknameAt riskgoalwin-backprioritywhen(value.rfm.r == 2 && value.rfm.f + value.rfm.m >= 6) || (value.rfm.r == 1 && value.rfm.f + value.rfm.m >= 6 && value.rfm.f + value.rfm.m < 8)actionsPersonal message about what they used to buyService check: ask what went wrongloyal-customersnameLoyal customersgoalup-sellprioritywhen(value.rfm.r == 3 && value.rfm.f + value.rfm.m >= 6) || (value.rfm.r >= 4 && value.rfm.f + value.rfm.m >= 6 && value.rfm.f + value.rfm.m < 8)actionsUp-sell higher-value productsInvite to the loyalty programmenew-customersnameNew customersgoalrepeatprioritywhenvalue.rfm.r == 5 && value.rfm.f + value.rfm.m <= 3actionsOnboarding: help them get value from the first purchasepromisingnamePromisinggoalrepeatprioritywhenvalue.rfm.r == 4 && value.rfm.f + value.rfm.m <= 3actionsBuild the relationship: a reason to come back soonpotential-loyalistsnamePotential loyalistsgoalintensifyprioritywhenvalue.rfm.r >= 4 && value.rfm.f + value.rfm.m > 3 && value.rfm.f + value.rfm.m < 6actionsMembership or loyalty programme offerRecommend related productsneed-attentionnameNeed attentiongoalretainprioritywhenvalue.rfm.r == 3 && value.rfm.f + value.rfm.m >= 4 && value.rfm.f + value.rfm.m < 6actionsLimited-time offer based on their historyabout-to-sleepnameAbout to sleepgoalretainprioritywhenvalue.rfm.r == 3 && value.rfm.f + value.rfm.m < 4actionsShare popular productsReconnect before they lapsehibernatingnameHibernatinggoalwin-backprioritywhenvalue.rfm.r == 2 && value.rfm.f + value.rfm.m < 6actionsOffer other relevant productsRecreate brand valuelostnameLostgoalwin-backprioritywhenvalue.rfm.r == 1 && value.rfm.f + value.rfm.m < 6actionsRevive interest with an outreach campaign, or let them go";

#[rustfmt::skip]
const NUMS: [i32; 879] = [
    5, 16, 876, 6, 7, 58, -8, 4, 0, 17, 0, 4, 17, 4, 1, 4, 21, 30, 2, 4,
    51, 4, 3, 4, 55, 8, 4, 4, 63, 8, 5, 3, 10, 4, 71, 4, 6, 4, 75, 49,
    7, 4, 124, 8, 8, 4, 132, 23, 9, 4, 155, 7, 10, 5, 2, 8, 4, 162, 71, 11,
    4, 233, 60, 12, 6, 7, 62, -8, 4, 293, 17, 13, 4, 310, 4, 14, 4, 314, 17, 15,
    4, 331, 4, 16, 4, 335, 6, 17, 4, 341, 8, 18, 3, 20, 4, 349, 4, 19, 4, 353,
    20, 20, 4, 373, 8, 21, 4, 381, 20, 22, 4, 401, 7, 23, 5, 3, 12, 4, 408, 15,
    24, 4, 423, 33, 25, 4, 456, 40, 26, 6, 7, 58, -8, 4, 496, 11, 27, 4, 507, 4,
    28, 4, 511, 11, 29, 4, 522, 4, 30, 4, 526, 10, 31, 4, 536, 8, 32, 3, 30, 4,
    544, 4, 33, 4, 548, 51, 34, 4, 599, 8, 35, 4, 607, 23, 36, 4, 630, 7, 37, 5,
    2, 8, 4, 637, 40, 38, 4, 677, 41, 39, 6, 7, 58, -8, 4, 718, 12, 40, 4, 730,
    4, 41, 4, 734, 12, 42, 4, 746, 4, 43, 4, 750, 7, 44, 4, 757, 8, 45, 3, 40,
    4, 765, 4, 46, 4, 769, 49, 47, 4, 818, 8, 48, 4, 826, 21, 49, 4, 847, 7, 50,
    5, 2, 8, 4, 854, 35, 51, 4, 889, 34, 52, 6, 7, 58, -8, 4, 923, 16, 53, 4,
    939, 4, 54, 4, 943, 16, 55, 4, 959, 4, 56, 4, 963, 9, 57, 4, 972, 8, 58, 3,
    50, 4, 980, 4, 59, 4, 984, 107, 60, 4, 1091, 8, 61, 4, 1099, 27, 62, 4, 1126, 7,
    63, 5, 2, 8, 4, 1133, 15, 64, 4, 1148, 41, 65, 6, 6, 50, -8, 4, 1189, 9, 66,
    4, 1198, 4, 67, 4, 1202, 9, 68, 4, 1211, 4, 69, 4, 1215, 6, 70, 4, 1221, 8, 71,
    3, 60, 4, 1229, 4, 72, 4, 1233, 50, 73, 4, 1283, 7, 74, 5, 2, 8, 4, 1290, 42,
    75, 4, 1332, 29, 76, 6, 6, 50, -8, 4, 1361, 14, 77, 4, 1375, 4, 78, 4, 1379, 15,
    79, 4, 1394, 4, 80, 4, 1398, 8, 81, 4, 1406, 8, 82, 3, 61, 4, 1414, 4, 83, 4,
    1418, 50, 84, 4, 1468, 7, 85, 5, 2, 8, 4, 1475, 37, 86, 4, 1512, 42, 87, 6, 6,
    50, -8, 4, 1554, 7, 88, 4, 1561, 4, 89, 4, 1565, 7, 90, 4, 1572, 4, 91, 4, 1576,
    8, 92, 4, 1584, 8, 93, 3, 62, 4, 1592, 4, 94, 4, 1596, 141, 95, 4, 1737, 7, 96,
    5, 2, 8, 4, 1744, 44, 97, 4, 1788, 34, 98, 6, 6, 50, -8, 4, 1822, 15, 99, 4,
    1837, 4, 100, 4, 1841, 15, 101, 4, 1856, 4, 102, 4, 1860, 7, 103, 4, 1867, 8, 104, 3,
    63, 4, 1875, 4, 105, 4, 1879, 141, 106, 4, 2020, 7, 107, 5, 2, 8, 4, 2027, 29, 108,
    4, 2056, 31, 109, 6, 6, 46, -8, 4, 2087, 13, 110, 4, 2100, 4, 111, 4, 2104, 13, 112,
    4, 2117, 4, 113, 4, 2121, 6, 114, 4, 2127, 8, 115, 3, 64, 4, 2135, 4, 116, 4, 2139,
    50, 117, 4, 2189, 7, 118, 5, 1, 4, 4, 2196, 55, 119, 6, 6, 46, -8, 4, 2251, 9,
    120, 4, 2260, 4, 121, 4, 2264, 9, 122, 4, 2273, 4, 123, 4, 2277, 6, 124, 4, 2283, 8,
    125, 3, 65, 4, 2291, 4, 126, 4, 2295, 50, 127, 4, 2345, 7, 128, 5, 1, 4, 4, 2352,
    50, 129, 6, 6, 50, -8, 4, 2402, 19, 130, 4, 2421, 4, 131, 4, 2425, 19, 132, 4, 2444,
    4, 133, 4, 2448, 9, 134, 4, 2457, 8, 135, 3, 66, 4, 2465, 4, 136, 4, 2469, 82, 137,
    4, 2551, 7, 138, 5, 2, 8, 4, 2558, 37, 139, 4, 2595, 26, 140, 6, 6, 46, -8, 4,
    2621, 14, 141, 4, 2635, 4, 142, 4, 2639, 14, 143, 4, 2653, 4, 144, 4, 2657, 6, 145, 4,
    2663, 8, 146, 3, 67, 4, 2671, 4, 147, 4, 2675, 83, 148, 4, 2758, 7, 149, 5, 1, 4,
    4, 2765, 41, 150, 6, 6, 50, -8, 4, 2806, 14, 151, 4, 2820, 4, 152, 4, 2824, 14, 153,
    4, 2838, 4, 154, 4, 2842, 6, 155, 4, 2848, 8, 156, 3, 68, 4, 2856, 4, 157, 4, 2860,
    49, 158, 4, 2909, 7, 159, 5, 2, 8, 4, 2916, 22, 160, 4, 2938, 27, 161, 6, 6, 50,
    -8, 4, 2965, 11, 162, 4, 2976, 4, 163, 4, 2980, 11, 164, 4, 2991, 4, 165, 4, 2995, 8,
    166, 4, 3003, 8, 167, 3, 69, 4, 3011, 4, 168, 4, 3015, 49, 169, 4, 3064, 7, 170, 5,
    2, 8, 4, 3071, 29, 171, 4, 3100, 20, 172, 6, 6, 46, -8, 4, 3120, 4, 173, 4, 3124,
    4, 174, 4, 3128, 4, 175, 4, 3132, 4, 176, 4, 3136, 8, 177, 4, 3144, 8, 178, 3, 70,
    4, 3152, 4, 179, 4, 3156, 49, 180, 4, 3205, 7, 181, 5, 1, 4, 4, 3212, 57, 182,
];
