//! String similarity for fuzzy linking: Jaro-Winkler over characters.

/// Jaro-Winkler similarity of two strings, from 0 (nothing alike) to 1 (equal), with the usual
/// prefix scale of 0.1 over at most four characters.
pub fn jaro_winkler(a: &str, b: &str) -> f32 {
    if a.is_ascii() && b.is_ascii() {
        winkler(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        winkler(&a, &b)
    }
}

fn winkler<T: PartialEq>(a: &[T], b: &[T]) -> f32 {
    let jaro = jaro(a, b);
    let prefix = a
        .iter()
        .zip(b.iter())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count();
    jaro + prefix as f32 * 0.1 * (1.0 - jaro)
}

fn jaro<T: PartialEq>(a: &[T], b: &[T]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    // Words are short: the flags live on the stack unless a word is very long.
    const ON_STACK: usize = 64;
    let (mut a_stack, mut b_stack) = ([false; ON_STACK], [false; ON_STACK]);
    let (mut a_heap, mut b_heap) = (Vec::new(), Vec::new());
    let a_matched = flags(&mut a_stack, &mut a_heap, a.len());
    let b_matched = flags(&mut b_stack, &mut b_heap, b.len());
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(b.len());
        for j in from..to {
            if !b_matched[j] && b[j] == *ca {
                a_matched[i] = true;
                b_matched[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (i, ca) in a.iter().enumerate() {
        if !a_matched[i] {
            continue;
        }
        while k < b.len() && !b_matched[k] {
            k += 1;
        }
        if k < b.len() && b[k] != *ca {
            transpositions += 1;
        }
        k += 1;
    }
    let m = matches as f32;
    (m / a.len() as f32 + m / b.len() as f32 + (m - transpositions as f32 / 2.0) / m) / 3.0
}

/// `len` flags, all false: in `stack` when they fit, else in `heap`.
fn flags<'f, const N: usize>(
    stack: &'f mut [bool; N],
    heap: &'f mut Vec<bool>,
    len: usize,
) -> &'f mut [bool] {
    if len <= N {
        &mut stack[..len]
    } else {
        heap.resize(len, false);
        &mut heap[..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.01);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 0.01);
        assert_eq!(jaro_winkler("perez", "perez"), 1.0);
        assert_eq!(jaro_winkler("", "abc"), 0.0);
        assert!(jaro_winkler("boasbreg", "boasberg") > 0.95);
        // Past the flags kept on the stack.
        let long = "a".repeat(70);
        assert_eq!(jaro_winkler(&long, &long), 1.0);
    }
}
