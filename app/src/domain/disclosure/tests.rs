//! Disclosure control: fixed examples, and property tests on random tables that check every
//! witness independently of how it was found, and (for single tables) solve the linear
//! constraints to show no suppressed entry is determined by what is published.

use super::*;
use proptest::prelude::*;

const T: u32 = 10;

fn policy() -> Policy {
    Policy::new(T, false).unwrap()
}

/// Checks a witness against the tables and what was published, without trusting the search:
/// the moved tables must keep every total, the whole must stay the sum of its parts, every
/// published figure must be unchanged and every label's bound kept, and the target must move.
fn check_witness(
    whole: &Counts,
    parts: &[Counts],
    out: &Protected,
    w: &Witness,
) -> Result<(), String> {
    let mut tables: Vec<Vec<i64>> = std::iter::once(whole)
        .chain(parts)
        .map(|c| c.extended().into_iter().map(|v| i64::try_from(v).unwrap()).collect())
        .collect();
    let no_parts = Vec::new();
    let published: Vec<&Published> =
        std::iter::once(&out.whole).chain(out.parts.as_ref().unwrap_or(&no_parts)).collect();
    let (r, c) = (whole.rows(), whole.cols());
    let at = |i: usize, j: usize| i * (c + 1) + j;
    let mut target_moved = false;
    for &(l, i, j, d) in &w.moves {
        tables[l][at(i, j)] += d;
        if (l, i, j) == w.target && d != 0 {
            target_moved = true;
        }
    }
    if !target_moved {
        return Err(format!("witness does not move its target {:?}", w.target));
    }
    for (l, t) in tables.iter().enumerate() {
        for i in 0..=r {
            if (0..c).map(|j| t[at(i, j)]).sum::<i64>() != t[at(i, c)] {
                return Err(format!("layer {l} row {i} no longer adds up"));
            }
        }
        for j in 0..=c {
            if (0..r).map(|i| t[at(i, j)]).sum::<i64>() != t[at(r, j)] {
                return Err(format!("layer {l} column {j} no longer adds up"));
            }
        }
        for i in 0..=r {
            for j in 0..=c {
                let v = t[at(i, j)];
                let ok = match published[l].figure(i, j) {
                    Figure::Shown(_) => v == tables_original(whole, parts, l, at(i, j)),
                    Figure::FewerThan(n) => (0..i64::from(n)).contains(&v),
                    Figure::Withheld => v >= i64::from(T),
                };
                if !ok {
                    return Err(format!("layer {l} entry ({i},{j}) breaks its figure"));
                }
            }
        }
    }
    if !parts.is_empty() {
        for k in 0..tables[0].len() {
            if tables[0][k] != tables[1..].iter().map(|t| t[k]).sum::<i64>() {
                return Err(format!("the whole is no longer the sum of the parts at {k}"));
            }
        }
    }
    Ok(())
}

fn tables_original(whole: &Counts, parts: &[Counts], layer: usize, k: usize) -> i64 {
    let t = if layer == 0 { whole } else { &parts[layer - 1] };
    i64::try_from(t.extended()[k]).unwrap()
}

/// Every suppressed entry of every table has exactly one witness, and each one holds.
fn check_all(whole: &Counts, parts: &[Counts], out: &Protected) -> Result<(), String> {
    // Parts not published: the whole must stand on its own.
    let no_parts = Vec::new();
    let shown_parts = out.parts.as_ref().unwrap_or(&no_parts);
    let parts = if out.parts.is_some() { parts } else { &[] };
    let published: Vec<&Published> = std::iter::once(&out.whole).chain(shown_parts).collect();
    for (l, p) in published.iter().enumerate() {
        for i in 0..=p.rows() {
            for j in 0..=p.cols() {
                let small = if l == 0 { whole.entry(i, j) } else { parts[l - 1].entry(i, j) }
                    < u64::from(T);
                let f = p.figure(i, j);
                if small && f.shown().is_some() {
                    return Err(format!("layer {l} shows a small count at ({i},{j})"));
                }
                if f.shown().is_none() {
                    let w =
                        out.witnesses.iter().find(|w| w.target == (l, i, j)).ok_or_else(|| {
                            format!("layer {l} ({i},{j}) is suppressed without a witness")
                        })?;
                    check_witness(whole, parts, out, w)?;
                }
            }
            // The known pattern: a row or column with exactly one suppressed entry gives it away.
            for i in 0..=p.rows() {
                if (0..=p.cols()).filter(|&j| p.figure(i, j).shown().is_none()).count() == 1 {
                    return Err(format!("layer {l} row {i} has a single suppressed entry"));
                }
            }
            for j in 0..=p.cols() {
                if (0..=p.rows()).filter(|&i| p.figure(i, j).shown().is_none()).count() == 1 {
                    return Err(format!("layer {l} column {j} has a single suppressed entry"));
                }
            }
        }
    }
    Ok(())
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Whether any suppressed entry of a single table is fixed by the linear relations (every row
/// and column of the extended grid adds up) given the shown figures: Gaussian elimination over
/// the integers, then "is a unit vector in the row space".
fn determined_entries(p: &Published) -> Vec<(usize, usize)> {
    let (r, c) = (p.rows(), p.cols());
    let unknowns: Vec<(usize, usize)> = (0..=r)
        .flat_map(|i| (0..=c).map(move |j| (i, j)))
        .filter(|&(i, j)| p.figure(i, j).shown().is_none())
        .collect();
    let col_of = |i: usize, j: usize| unknowns.iter().position(|&u| u == (i, j));
    let n = unknowns.len();
    let mut rows: Vec<Vec<i128>> = Vec::new();
    // Row i: cells − total = 0; column j likewise (constants dropped: only the coefficients
    // of the unknowns decide what is determined).
    for i in 0..=r {
        let mut eq = vec![0i128; n];
        for j in 0..c {
            if let Some(k) = col_of(i, j) {
                eq[k] += 1;
            }
        }
        if let Some(k) = col_of(i, c) {
            eq[k] -= 1;
        }
        rows.push(eq);
    }
    for j in 0..=c {
        let mut eq = vec![0i128; n];
        for i in 0..r {
            if let Some(k) = col_of(i, j) {
                eq[k] += 1;
            }
        }
        if let Some(k) = col_of(r, j) {
            eq[k] -= 1;
        }
        rows.push(eq);
    }
    // Reduced row echelon form (fraction-free, rows kept primitive).
    let mut pivot_row = 0;
    let mut pivots = Vec::new();
    for col in 0..n {
        let Some(p) = (pivot_row..rows.len()).find(|&i| rows[i][col] != 0) else { continue };
        rows.swap(pivot_row, p);
        let pivot = rows[pivot_row].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != pivot_row && row[col] != 0 {
                let (a, b) = (pivot[col], row[col]);
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x = *x * a - p * b;
                }
                let g = row.iter().fold(0, |g, &x| gcd(g, x));
                if g > 1 {
                    row.iter_mut().for_each(|x| *x /= g);
                }
            }
        }
        pivots.push(col);
        pivot_row += 1;
    }
    // In reduced form an unknown is determined exactly when some row has it alone.
    rows.iter()
        .filter_map(|row| {
            let nz: Vec<usize> = (0..n).filter(|&k| row[k] != 0).collect();
            (nz.len() == 1).then(|| unknowns[nz[0]])
        })
        .collect()
}

#[test]
fn a_lone_small_cell_is_shown_as_fewer_than_and_gets_company() {
    let table = Counts::from_rows(&[vec![40, 3, 25], vec![30, 20, 15], vec![22, 18, 12]]);
    let out = protect_table(&table, &policy());
    assert_eq!(out.whole.figure(0, 1), Figure::FewerThan(10));
    // Its row and its column each hide something else too.
    assert!((0..=3).filter(|&j| j != 1).any(|j| out.whole.figure(0, j) == Figure::Withheld));
    assert!((0..=3).filter(|&i| i != 0).any(|i| out.whole.figure(i, 1) == Figure::Withheld));
    assert_eq!(out.whole.total(), Figure::Shown(185));
    check_all(&table, &[], &out).unwrap();
    assert!(determined_entries(&out.whole).is_empty());
}

#[test]
fn nothing_small_means_nothing_hidden() {
    let table = Counts::from_rows(&[vec![40, 13, 25], vec![30, 20, 15]]);
    let out = protect_table(&table, &policy());
    assert_eq!(out.whole.suppressed(), 0);
    assert_eq!(out.whole.row_total(0), Figure::Shown(78));
    assert_eq!(out.whole.col_total(2), Figure::Shown(40));
}

#[test]
fn small_totals_are_suppressed_too() {
    let table = Counts::from_rows(&[vec![4, 3], vec![30, 20]]);
    let out = protect_table(&table, &policy());
    assert_eq!(out.whole.row_total(0), Figure::FewerThan(10));
    check_all(&table, &[], &out).unwrap();
}

#[test]
fn the_threshold_is_never_below_three_and_rounding_is_to_fives() {
    assert!(Policy::new(2, false).is_none());
    assert_eq!(Policy::new(3, false).unwrap().threshold(), 3);
    let rounded = Policy::new(10, true).unwrap();
    let out = protect_table(&Counts::from_rows(&[vec![12, 13], vec![17, 18]]), &rounded);
    assert_eq!(out.whole.figure(0, 0), Figure::Shown(10));
    assert_eq!(out.whole.figure(0, 1), Figure::Shown(15));
    assert_eq!(out.whole.figure(1, 1), Figure::Shown(20));
}

#[test]
fn shares_need_a_shown_base_at_or_above_the_threshold() {
    assert_eq!(Published::share(Figure::Shown(5), Figure::Shown(20), 10), Some(25));
    assert_eq!(Published::share(Figure::Shown(5), Figure::Shown(9), 10), None);
    assert_eq!(Published::share(Figure::FewerThan(10), Figure::Shown(20), 10), None);
    assert_eq!(Published::share(Figure::Shown(5), Figure::Withheld, 10), None);
}

#[test]
fn narrowing_to_one_part_cannot_be_subtracted_from_the_whole() {
    // Family B has 2 hires in category 0; the organisation has 15. Showing A's 13 beside the
    // organisation's 15 would give B's 2 away.
    let a = Counts::from_rows(&[vec![30, 13], vec![25, 20]]);
    let b = Counts::from_rows(&[vec![20, 2], vec![15, 12]]);
    let mut whole = a.clone();
    for i in 0..2 {
        for j in 0..2 {
            whole.add(i, j, b.entry(i, j));
        }
    }
    let out = protect(&whole, &[a.clone(), b.clone()], &policy());
    let parts = out.parts.as_ref().expect("the parts can be shown");
    assert_eq!(parts[1].figure(0, 1), Figure::FewerThan(10));
    assert!(parts[0].figure(0, 1).shown().is_none(), "A's 13 would reveal B's 2");
    check_all(&whole, &[a, b], &out).unwrap();
}

fn table(rows: usize, cols: usize) -> impl Strategy<Value = Counts> {
    // Mostly small counts, so suppression has work to do; some large ones.
    let cell = prop_oneof![4 => 0u64..12, 2 => 10u64..40, 1 => 40u64..200];
    proptest::collection::vec(cell, rows * cols).prop_map(move |cells| Counts {
        rows,
        cols,
        keys: vec![0; cells.len()],
        cells,
    })
}

fn shaped() -> impl Strategy<Value = Counts> {
    (1usize..6, 1usize..6).prop_flat_map(|(r, c)| table(r, c))
}

fn linked() -> impl Strategy<Value = (Counts, Vec<Counts>)> {
    (1usize..5, 1usize..5, 2usize..5).prop_flat_map(|(r, c, n)| {
        proptest::collection::vec(table(r, c), n).prop_map(move |parts| {
            let mut whole = Counts::new(r, c);
            for p in &parts {
                for i in 0..r {
                    for j in 0..c {
                        whole.add(i, j, p.entry(i, j));
                    }
                }
            }
            (whole, parts)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_suppressed_entry_of_a_table_can_be_derived(t in shaped()) {
        let out = protect_table(&t, &policy());
        prop_assert!(check_all(&t, &[], &out).is_ok(), "{:?}", check_all(&t, &[], &out));
        let fixed = determined_entries(&out.whole);
        prop_assert!(fixed.is_empty(), "determined by the totals: {fixed:?}");
    }

    #[test]
    fn no_suppressed_entry_of_a_whole_or_its_parts_can_be_derived((whole, parts) in linked()) {
        let out = protect(&whole, &parts, &policy());
        let checked = check_all(&whole, &parts, &out);
        prop_assert!(checked.is_ok(), "{checked:?}");
        // Differencing: where the whole and every part but one are shown, the last one is
        // shown too (so the difference tells nothing that is not already published).
        let shown_parts = out.parts.clone().unwrap_or_default();
        for k_i in 0..=whole.rows() {
            for k_j in 0..=whole.cols() {
                let hidden = shown_parts.iter().filter(|p| p.figure(k_i, k_j).shown().is_none()).count();
                prop_assert!(hidden == 0 || hidden == shown_parts.len());
            }
        }
    }
}

#[test]
fn perturbation_is_small_symmetric_consistent_and_never_shows_a_small_count() {
    let on = Policy::default().perturbing(true);
    assert!(on.perturbs() && !Policy::default().perturbs());
    let mut changes = [0usize; 5];
    for key in 0..=255u8 {
        for n in [10u64, 11, 12, 25, 1_000] {
            let Figure::Shown(shown) = on.show(n, key) else { panic!("not shown") };
            assert!(shown >= 10, "{n} with key {key} shown as {shown}");
            assert!(shown.abs_diff(n) <= 2, "{n} with key {key} shown as {shown}");
            assert_eq!(on.show(n, key), Figure::Shown(shown), "the same cell, the same figure");
            if n == 1_000 {
                changes[usize::try_from(shown + 2 - n).unwrap()] += 1;
            }
        }
        // Off: the count itself, whatever the key.
        assert_eq!(Policy::default().show(25, key), Figure::Shown(25));
    }
    // −2, −1, 0, +1, +2: as often down as up, and most often unchanged.
    assert_eq!(changes, [18, 59, 102, 59, 18]);
}

#[test]
fn a_cell_key_is_its_peoples_keys_added_up_and_picks_the_published_change() {
    // Cells keyed by their people's record keys; a total's key is its cells' keys added up.
    let mut t = Counts::new(2, 2);
    t.add_keyed(0, 0, 30, 7u8.wrapping_mul(30));
    t.add_keyed(0, 1, 12, 5);
    t.add_keyed(1, 0, 15, 0);
    t.add_keyed(1, 1, 40, 200);
    t.add_keyed(1, 1, 1, 100);
    assert_eq!(t.key(0, 0), 210);
    assert_eq!(t.key(1, 1), 44, "(200 + 100) mod 256");
    assert_eq!(t.key(0, 2), 215);
    assert_eq!(t.key(2, 1), 49);
    assert_eq!(t.key(2, 2), 3, "(210 + 5 + 0 + 44) mod 256");
    let on = Policy::default().perturbing(true);
    let out = protect_table(&t, &on);
    // Every figure is its own entry's perturbation.
    assert_eq!(out.whole.figure(0, 0), on.show(30, 210));
    assert_eq!(out.whole.figure(1, 1), on.show(41, 44));
    assert_eq!(out.whole.row_total(0), on.show(42, 215));
    assert_eq!(out.whole.col_total(1), on.show(53, 49));
    assert_eq!(out.whole.total(), on.show(98, 3));
    let off = protect_table(&t, &Policy::default());
    for i in 0..=2 {
        for j in 0..=2 {
            assert_eq!(
                out.whole.figure(i, j).shown().is_none(),
                off.whole.figure(i, j).shown().is_none(),
                "the same pattern at ({i}, {j})"
            );
        }
    }
    // One more person in a cell changes its key, and with it (unpredictably) its figure.
    let mut figures: Vec<u64> =
        (0..=255u8).filter_map(|k| on.show(30, 210u8.wrapping_add(k)).shown()).collect();
    figures.sort_unstable();
    figures.dedup();
    assert_eq!(figures, [28, 29, 30, 31, 32]);
}
