//! Disclosure control for equal-opportunities figures (PRODUCT §2.9, §3.2).
//!
//! Every equal-opportunities count that leaves the monitoring module passes through
//! [`protect`]. A table is a grid of counts (categories × steps of the funnel) with its row
//! totals, column totals and grand total; the unit protected is an *entry* of that extended
//! grid, totals included.
//!
//! - **Primary suppression**: an entry below the threshold (default 10, never below 3) is shown
//!   as "fewer than N" — zero too, so absence is not disclosed either.
//! - **Secondary suppression**: further entries are withheld until no suppressed entry can be
//!   worked out from what is shown. The test is constructive: for every suppressed entry the
//!   module finds a *witness* — another table, different in that entry, that agrees with every
//!   published figure, every total, and the bounds a reader learns from the labels ("fewer than
//!   N" means 0…N−1, "withheld" means N or more). If such a table exists, the entry cannot be
//!   derived. Witnesses are ±1 moves around a cycle of suppressed entries (the classical result
//!   for two-way tables with margins), searched breadth-first with the bounds checked.
//! - **Differencing across filters**: a report narrowed to one part (a job family) and the whole
//!   organisation are protected together. Parts share one suppression pattern that contains the
//!   whole's, so the witness for a part's entry can move the same cycle the other way in a
//!   second part (the whole stays the same), and the witness for the whole's entry moves it in
//!   one part too. Nothing published for the whole, or for any part, or any difference between
//!   them, pins down a suppressed entry.
//! - **Differencing across time** (the same report run before and after a few people move or
//!   are purged): with perturbation on (the server's default), every shown figure gets a small
//!   deterministic change picked by its *cell key* — the sum, modulo 256, of the secret record
//!   keys of the people counted in it (the cell key method the ONS used for Census 2021). The
//!   same cell of the same people always shows the same figure, so a report run twice agrees
//!   with itself; once one person joins or leaves a cell its key changes and so, unpredictably,
//!   does its change, so the difference between two runs does not tell which cells the person
//!   was counted in. A change is at most 2 either way, and never takes a shown figure below
//!   the threshold.
//! - **Rounding** (optional) to the nearest 5 is applied to shown figures after suppression
//!   (and after perturbation).
//!
//! This module is pure and must never return a suppressed entry's value: [`Published`] carries
//! figures, not counts.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The disclosure-control settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    threshold: u32,
    round_to_five: bool,
    #[serde(default)]
    perturb: bool,
}

impl Policy {
    /// The lowest threshold that may be configured.
    pub const MIN_THRESHOLD: u32 = 3;
    /// The default threshold.
    pub const DEFAULT_THRESHOLD: u32 = 10;

    /// A policy; `None` when the threshold is below [`Self::MIN_THRESHOLD`].
    #[must_use]
    pub const fn new(threshold: u32, round_to_five: bool) -> Option<Self> {
        if threshold < Self::MIN_THRESHOLD {
            None
        } else {
            Some(Self { threshold, round_to_five, perturb: false })
        }
    }

    /// The same policy with cell-key perturbation on or off (see the module's documentation).
    #[must_use]
    pub const fn perturbing(self, perturb: bool) -> Self {
        Self { perturb, ..self }
    }

    /// Whether shown counts get their cell key's small change.
    #[must_use]
    pub const fn perturbs(&self) -> bool {
        self.perturb
    }

    /// Counts below this are shown as "fewer than" it.
    #[must_use]
    pub const fn threshold(&self) -> u32 {
        self.threshold
    }

    /// Whether shown counts are rounded to the nearest 5.
    #[must_use]
    pub const fn rounds(&self) -> bool {
        self.round_to_five
    }

    /// The figure shown for a count at or above the threshold whose cell key is `key`.
    fn show(&self, n: u64, key: u8) -> Figure {
        let n = if self.perturb { perturbed(n, key, u64::from(self.threshold)) } else { n };
        if self.round_to_five { Figure::Shown((n + 2) / 5 * 5) } else { Figure::Shown(n) }
    }
}

/// `n` changed by the amount its cell key picks: 0 for 102 keys in 256 (40%), −1 or +1 for 59
/// each (23%), −2 or +2 for 18 each (7%) — symmetric, so figures are not biased — and never
/// below `threshold` (a shown figure must not look like a small count).
fn perturbed(n: u64, key: u8, threshold: u64) -> u64 {
    let change: i64 = match key {
        0..=101 => 0,
        102..=160 => -1,
        161..=219 => 1,
        220..=237 => -2,
        238..=255 => 2,
    };
    n.saturating_add_signed(change).max(threshold)
}

impl Default for Policy {
    fn default() -> Self {
        Self { threshold: Self::DEFAULT_THRESHOLD, round_to_five: false, perturb: false }
    }
}

/// A grid of counts (rows × columns) whose totals are computed, never given; each cell may
/// carry its cell key (the sum of its people's record keys, modulo 256; 0 when unkeyed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    rows: usize,
    cols: usize,
    cells: Vec<u64>,
    keys: Vec<u8>,
}

impl Counts {
    /// An empty grid.
    #[must_use]
    pub fn new(rows: usize, cols: usize) -> Self {
        Self { rows, cols, cells: vec![0; rows * cols], keys: vec![0; rows * cols] }
    }

    /// A grid from its rows (all the same length).
    ///
    /// # Panics
    /// If the rows differ in length.
    #[must_use]
    pub fn from_rows(rows: &[Vec<u64>]) -> Self {
        let cols = rows.first().map_or(0, Vec::len);
        assert!(rows.iter().all(|r| r.len() == cols), "ragged table");
        let cells = rows.concat();
        let keys = vec![0; cells.len()];
        Self { rows: rows.len(), cols, cells, keys }
    }

    /// Adds `n` to a cell.
    pub fn add(&mut self, row: usize, col: usize, n: u64) {
        self.cells[row * self.cols + col] += n;
    }

    /// Adds `n` people whose record keys sum to `key` (modulo 256) to a cell.
    pub fn add_keyed(&mut self, row: usize, col: usize, n: u64, key: u8) {
        let k = row * self.cols + col;
        self.cells[k] += n;
        self.keys[k] = self.keys[k].wrapping_add(key);
    }

    /// The cell key of an entry of the extended grid (totals: their cells' keys added up).
    #[must_use]
    pub fn key(&self, row: usize, col: usize) -> u8 {
        let sum = |it: &mut dyn Iterator<Item = usize>| {
            it.fold(0u8, |acc, k| acc.wrapping_add(self.keys[k]))
        };
        let (r, c) = (self.rows, self.cols);
        match (row == r, col == c) {
            (false, false) => self.keys[row * c + col],
            (false, true) => sum(&mut (row * c..(row + 1) * c)),
            (true, false) => sum(&mut (0..r).map(|i| i * c + col)),
            (true, true) => sum(&mut (0..r * c)),
        }
    }

    /// Number of rows (without the totals row).
    #[must_use]
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (without the totals column).
    #[must_use]
    pub const fn cols(&self) -> usize {
        self.cols
    }

    /// An entry of the extended grid: `row == rows()` is the totals row, `col == cols()` the
    /// totals column.
    #[must_use]
    pub fn entry(&self, row: usize, col: usize) -> u64 {
        match (row == self.rows, col == self.cols) {
            (false, false) => self.cells[row * self.cols + col],
            (false, true) => self.cells[row * self.cols..(row + 1) * self.cols].iter().sum(),
            (true, false) => (0..self.rows).map(|r| self.cells[r * self.cols + col]).sum(),
            (true, true) => self.cells.iter().sum(),
        }
    }

    /// The grand total.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.cells.iter().sum()
    }

    fn extended_keys(&self) -> Vec<u8> {
        let (r, c) = (self.rows, self.cols);
        (0..=r).flat_map(|i| (0..=c).map(move |j| (i, j))).map(|(i, j)| self.key(i, j)).collect()
    }

    fn extended(&self) -> Vec<u64> {
        let (r, c) = (self.rows, self.cols);
        let mut out = Vec::with_capacity((r + 1) * (c + 1));
        for i in 0..=r {
            for j in 0..=c {
                out.push(self.entry(i, j));
            }
        }
        out
    }
}

/// What a reader may see of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Figure {
    /// The count (rounded to the nearest 5 when the policy says so).
    Shown(u64),
    /// Suppressed because the count is below the threshold (which is carried).
    FewerThan(u32),
    /// Suppressed to protect a small count elsewhere (its own count is at or above the threshold).
    Withheld,
}

impl Figure {
    /// The shown count, if any.
    #[must_use]
    pub const fn shown(self) -> Option<u64> {
        match self {
            Self::Shown(n) => Some(n),
            _ => None,
        }
    }

    /// Words for a table cell or CSV field.
    #[must_use]
    pub fn words(self) -> String {
        match self {
            Self::Shown(n) => n.to_string(),
            Self::FewerThan(t) => format!("fewer than {t}"),
            Self::Withheld => "withheld".to_owned(),
        }
    }
}

/// A protected table: one figure per entry of the extended grid (totals included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    rows: usize,
    cols: usize,
    figures: Vec<Figure>,
}

impl Published {
    /// Number of rows (without the totals row).
    #[must_use]
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (without the totals column).
    #[must_use]
    pub const fn cols(&self) -> usize {
        self.cols
    }

    /// The figure for an entry; `row == rows()` / `col == cols()` address the totals.
    #[must_use]
    pub fn figure(&self, row: usize, col: usize) -> Figure {
        self.figures[row * (self.cols + 1) + col]
    }

    /// The figure for a row's total.
    #[must_use]
    pub fn row_total(&self, row: usize) -> Figure {
        self.figure(row, self.cols)
    }

    /// The figure for a column's total.
    #[must_use]
    pub fn col_total(&self, col: usize) -> Figure {
        self.figure(self.rows, col)
    }

    /// The grand total's figure.
    #[must_use]
    pub fn total(&self) -> Figure {
        self.figure(self.rows, self.cols)
    }

    /// How many entries are suppressed (either way).
    #[must_use]
    pub fn suppressed(&self) -> usize {
        self.figures.iter().filter(|f| f.shown().is_none()).count()
    }

    /// A percentage `part / base`, only where both are shown and the base is at or above the
    /// threshold (a share of a small base is as telling as the count).
    #[must_use]
    pub fn share(part: Figure, base: Figure, threshold: u32) -> Option<u64> {
        match (part, base) {
            (Figure::Shown(p), Figure::Shown(b)) if b >= u64::from(threshold) && b > 0 => {
                Some((p * 100 + b / 2) / b)
            }
            _ => None,
        }
    }
}

/// One entry's witness: a move of ±1 on some entries of some tables that keeps every published
/// figure and every total, and changes the entry. Layer 0 is the whole; layer `k ≥ 1` is part
/// `k − 1`. Kept for the tests that check it independently of how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The layer and extended-grid entry it protects.
    pub target: (usize, usize, usize),
    /// `(layer, row, col, change)` for every entry that changes.
    pub moves: Vec<(usize, usize, usize, i64)>,
}

/// The result of protecting a whole and its parts together.
#[derive(Debug, Clone)]
pub struct Protected {
    /// The whole (e.g. the organisation).
    pub whole: Published,
    /// Each part (e.g. each job family), in the order given — or `None` when no suppression
    /// pattern could be shown safe for the parts beside the whole (the labels' bounds can pin a
    /// part down even when everything is hidden): then the parts must not be published at all,
    /// and the whole is protected on its own.
    pub parts: Option<Vec<Published>>,
    /// One witness for every suppressed entry of every table.
    pub witnesses: Vec<Witness>,
}

/// Protects a single table (no parts).
#[must_use]
pub fn protect_table(table: &Counts, policy: &Policy) -> Protected {
    protect(table, &[], policy)
}

/// Protects `whole` and its `parts` together (`whole` must be their sum, cell by cell, when
/// parts are given).
///
/// # Panics
/// If the parts do not have the whole's shape or do not add up to it.
#[must_use]
pub fn protect(whole: &Counts, parts: &[Counts], policy: &Policy) -> Protected {
    let (r, c) = (whole.rows, whole.cols);
    if !parts.is_empty() {
        assert!(parts.iter().all(|p| p.rows == r && p.cols == c), "parts differ in shape");
        for (i, cell) in whole.cells.iter().enumerate() {
            assert_eq!(*cell, parts.iter().map(|p| p.cells[i]).sum::<u64>(), "parts do not add up");
        }
    }
    let t = u64::from(policy.threshold);
    let mut layers = vec![Layer::new(whole, t)];
    layers.extend(parts.iter().map(|p| Layer::new(p, t)));
    let n = (r + 1) * (c + 1);
    // The whole's pattern, and the parts' common pattern (always containing the whole's).
    let mut whole_pattern: Vec<bool> = layers[0].values.iter().map(|v| *v < t).collect();
    let mut part_pattern = whole_pattern.clone();
    for layer in &layers[1..] {
        for (k, v) in layer.values.iter().enumerate() {
            part_pattern[k] |= *v < t;
        }
    }
    let grid = Grid { rows: r, cols: c };
    let witnesses = loop {
        match first_unprotected(&grid, &layers, &whole_pattern, &part_pattern) {
            Ok(witnesses) => break witnesses,
            Err((layer, entry)) => {
                let widened = widen(&grid, &layers, &whole_pattern, &part_pattern, layer, entry);
                match widened {
                    Some(added) => {
                        for k in added {
                            part_pattern[k] = true;
                            if layer == 0 {
                                whole_pattern[k] = true;
                            }
                        }
                    }
                    None => {
                        // No rectangle helps (the labels' bounds can pin a part down even when
                        // most is hidden): hide everything, the grand total too. Patterns only
                        // ever grow, so this ends; if nothing is left to hide, the entry stays
                        // unprotected — the property tests would catch that, and have not.
                        let mut grew = false;
                        for k in 0..n {
                            if !(whole_pattern[k] && part_pattern[k]) {
                                whole_pattern[k] = true;
                                part_pattern[k] = true;
                                grew = true;
                            }
                        }
                        if !grew {
                            // Everything is hidden and some entry still has no witness found:
                            // publish the whole alone, and no part.
                            let alone = protect(whole, &[], policy);
                            return Protected { parts: None, ..alone };
                        }
                    }
                }
            }
        }
    };
    let publish = |layer: &Layer, pattern: &[bool]| Published {
        rows: r,
        cols: c,
        figures: layer
            .values
            .iter()
            .zip(&layer.keys)
            .zip(pattern)
            .map(|((v, key), hidden)| {
                if !hidden {
                    policy.show(*v, *key)
                } else if *v < t {
                    Figure::FewerThan(policy.threshold)
                } else {
                    Figure::Withheld
                }
            })
            .collect(),
    };
    Protected {
        whole: publish(&layers[0], &whole_pattern),
        parts: Some(layers[1..].iter().map(|l| publish(l, &part_pattern)).collect()),
        witnesses,
    }
}

/// One table's extended entries, their cell keys, and the threshold that sets its readers'
/// bounds.
struct Layer {
    values: Vec<u64>,
    keys: Vec<u8>,
    threshold: u64,
}

impl Layer {
    fn new(counts: &Counts, threshold: u64) -> Self {
        Self { values: counts.extended(), keys: counts.extended_keys(), threshold }
    }

    /// Whether a suppressed entry may move by `dx` (±1) within what its label tells a reader:
    /// "fewer than N" is 0…N−1, "withheld" is N or more.
    fn can_move(&self, k: usize, dx: i64) -> bool {
        let v = self.values[k];
        if v < self.threshold {
            if dx < 0 { v >= 1 } else { v + 2 <= self.threshold }
        } else {
            dx > 0 || v > self.threshold
        }
    }
}

#[derive(Clone, Copy)]
struct Grid {
    rows: usize,
    cols: usize,
}

impl Grid {
    const fn index(self, i: usize, j: usize) -> usize {
        i * (self.cols + 1) + j
    }

    /// +1 for cells and the grand total, −1 for row and column totals: with this sign every
    /// row and column of the extended grid sums to zero, so ±1 alternating round a cycle keeps
    /// every total.
    const fn sign(self, i: usize, j: usize) -> i64 {
        if (i == self.rows) ^ (j == self.cols) { -1 } else { 1 }
    }
}

/// A cycle through `(ti, tj)` in `pattern` on which every layer in `movers` (layer, factor)
/// can move: the target moves by `dir` in each mover times its factor. Returns the moves of
/// one layer with factor 1 (the caller scales them), or `None`.
fn cycle(
    grid: Grid,
    pattern: &[bool],
    target: (usize, usize),
    dir: i64,
    ok: &dyn Fn(usize, i64) -> bool,
) -> Option<Vec<(usize, usize, i64)>> {
    let (ti, tj) = target;
    let (r, c) = (grid.rows, grid.cols);
    // δy along the cycle: +k leaving a row for a column, −k coming back; δx = sign × δy.
    let k = dir * grid.sign(ti, tj);
    if !ok(grid.index(ti, tj), dir) {
        return None;
    }
    // Nodes: rows 0..=r, then columns as r + 1 + j. Breadth-first from the target's column to
    // its row.
    let nodes = r + c + 2;
    let mut prev: Vec<Option<(usize, usize, usize, i64)>> = vec![None; nodes];
    let mut seen = vec![false; nodes];
    let start = r + 1 + tj;
    seen[start] = true;
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        if node == ti {
            let mut moves = vec![(ti, tj, dir)];
            let mut at = node;
            while let Some((from, i, j, dx)) = prev[at] {
                moves.push((i, j, dx));
                at = from;
            }
            return Some(moves);
        }
        let next: Vec<(usize, usize, usize, i64)> = if node > r {
            let j = node - r - 1;
            (0..=r)
                .filter(|&i| (i, j) != target && pattern[grid.index(i, j)])
                .map(|i| (i, i, j, grid.sign(i, j) * -k))
                .collect()
        } else {
            let i = node;
            (0..=c)
                .filter(|&j| (i, j) != target && pattern[grid.index(i, j)])
                .map(|j| (r + 1 + j, i, j, grid.sign(i, j) * k))
                .collect()
        };
        for (to, i, j, dx) in next {
            if !seen[to] && ok(grid.index(i, j), dx) {
                seen[to] = true;
                prev[to] = Some((node, i, j, dx));
                queue.push_back(to);
            }
        }
    }
    None
}

/// A witness for entry `k` of `layer`, if the patterns allow one.
fn witness(
    grid: Grid,
    layers: &[Layer],
    whole_pattern: &[bool],
    part_pattern: &[bool],
    layer: usize,
    (ti, tj): (usize, usize),
) -> Option<Witness> {
    let scale = |moves: Vec<(usize, usize, i64)>, pairs: &[(usize, i64)]| Witness {
        target: (layer, ti, tj),
        moves: pairs
            .iter()
            .flat_map(|&(l, f)| moves.iter().map(move |&(i, j, d)| (l, i, j, d * f)))
            .collect(),
    };
    for dir in [1, -1] {
        if layer == 0 {
            if layers.len() == 1 {
                let ok = |k: usize, dx: i64| layers[0].can_move(k, dx);
                if let Some(m) = cycle(grid, whole_pattern, (ti, tj), dir, &ok) {
                    return Some(scale(m, &[(0, 1)]));
                }
            }
            // The whole moves with one part, on a cycle hidden in both.
            for p in 1..layers.len() {
                let ok = |k: usize, dx: i64| layers[0].can_move(k, dx) && layers[p].can_move(k, dx);
                if let Some(m) = cycle(grid, whole_pattern, (ti, tj), dir, &ok) {
                    return Some(scale(m, &[(0, 1), (p, 1)]));
                }
            }
        } else {
            // Another part moves the other way (the whole stays the same) …
            for q in (1..layers.len()).filter(|&q| q != layer) {
                let ok =
                    |k: usize, dx: i64| layers[layer].can_move(k, dx) && layers[q].can_move(k, -dx);
                if let Some(m) = cycle(grid, part_pattern, (ti, tj), dir, &ok) {
                    return Some(scale(m, &[(layer, 1), (q, -1)]));
                }
            }
            // … or the whole moves with it, on a cycle the whole hides too.
            if whole_pattern[grid.index(ti, tj)] {
                let ok =
                    |k: usize, dx: i64| layers[layer].can_move(k, dx) && layers[0].can_move(k, dx);
                if let Some(m) = cycle(grid, whole_pattern, (ti, tj), dir, &ok) {
                    return Some(scale(m, &[(layer, 1), (0, 1)]));
                }
            }
        }
    }
    None
}

/// Witnesses for every suppressed entry, or the first entry without one.
fn first_unprotected(
    grid: &Grid,
    layers: &[Layer],
    whole_pattern: &[bool],
    part_pattern: &[bool],
) -> Result<Vec<Witness>, (usize, (usize, usize))> {
    let mut out = Vec::new();
    for layer in 0..layers.len() {
        let pattern = if layer == 0 { whole_pattern } else { part_pattern };
        for i in 0..=grid.rows {
            for j in 0..=grid.cols {
                if pattern[grid.index(i, j)] {
                    match witness(*grid, layers, whole_pattern, part_pattern, layer, (i, j)) {
                        Some(w) => out.push(w),
                        None => return Err((layer, (i, j))),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The cheapest set of entries whose suppression gives `entry` of `layer` a witness: a
/// rectangle through it (another row and column, totals included), costed by the counts it
/// would hide. `None` when no rectangle helps.
fn widen(
    grid: &Grid,
    layers: &[Layer],
    whole_pattern: &[bool],
    part_pattern: &[bool],
    layer: usize,
    (ti, tj): (usize, usize),
) -> Option<Vec<usize>> {
    let mut best: Option<(u64, usize, Vec<usize>)> = None;
    for i in (0..=grid.rows).filter(|&i| i != ti) {
        for j in (0..=grid.cols).filter(|&j| j != tj) {
            let corners = [grid.index(ti, j), grid.index(i, tj), grid.index(i, j)];
            let pattern = if layer == 0 { whole_pattern } else { part_pattern };
            let added: Vec<usize> = corners.into_iter().filter(|&k| !pattern[k]).collect();
            if added.is_empty() {
                continue;
            }
            let cost: u64 =
                added.iter().map(|&k| layers.iter().map(|l| l.values[k]).sum::<u64>()).sum();
            if best.as_ref().is_some_and(|(c, n, _)| (*n, *c) <= (added.len(), cost)) {
                continue;
            }
            let mut wp = whole_pattern.to_vec();
            let mut pp = part_pattern.to_vec();
            for &k in &added {
                pp[k] = true;
                if layer == 0 {
                    wp[k] = true;
                }
            }
            if witness(*grid, layers, &wp, &pp, layer, (ti, tj)).is_some() {
                best = Some((cost, added.len(), added));
            }
        }
    }
    best.map(|(_, _, added)| added)
}

#[cfg(test)]
mod tests;
