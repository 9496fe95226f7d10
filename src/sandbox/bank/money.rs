//! Money the mock bank counts exactly: OBIE amounts (`1234.50`: up to 13 digits, optionally a
//! point and up to five decimals) as whole hundred-thousandths, never floats. A balance is the
//! ledger's seed balance less the payments made from the account.

use std::ops::Sub;

/// Hundred-thousandths in a unit: OBIE amounts carry at most five decimals.
const SCALE: i128 = 100_000;

/// An amount, exactly; negative for money owed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(i128);

impl Money {
    /// `1234.50`, `-0.07`, `12`: `None` for anything else (more than five decimals, a point
    /// without decimals, exponents, signs other than a leading `-`).
    pub fn parse(text: &str) -> Option<Self> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (units, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let well_formed = !units.is_empty()
            && units.len() <= 13
            && all_digits(units)
            && fraction.len() <= 5
            && all_digits(fraction)
            && !(digits.contains('.') && fraction.is_empty());
        if !well_formed {
            return None;
        }
        let units: i128 = units.parse().ok()?;
        let padded = format!("{fraction:0<5}");
        let fraction: i128 = padded.parse().ok()?;
        let value = units * SCALE + fraction;
        Some(Self(if negative { -value } else { value }))
    }

    /// A seed balance (`bank.json` writes them as numbers with two decimals), read at those two.
    pub fn of_seed(balance: f64) -> Self {
        Self::parse(&format!("{balance:.2}")).unwrap_or(Self(0))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The magnitude as OBIE writes an `Amount`: two decimals at least, more only when they
    /// are not zero (`1234.50`, `0.12345`).
    pub fn magnitude(self) -> String {
        let value = self.0.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        let fraction = format!("{:05}", value % scale);
        let kept = fraction.trim_end_matches('0');
        let kept = if kept.len() < 2 { &fraction[..2] } else { kept };
        format!("{}.{kept}", value / scale)
    }

    /// As a float, for the APIs whose wire type is one (the internal accounts list).
    pub fn approximate(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }
}

impl Sub for Money {
    type Output = Money;

    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_counted_exactly() {
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!((m("2500.00") - m("1234.50")).magnitude(), "1265.50");
        assert_eq!((m("0.30") - m("0.10") - m("0.20")).magnitude(), "0.00", "no float drift");
        let owed = m("10") - m("12.34567");
        assert!(owed.is_negative());
        assert_eq!(owed.magnitude(), "2.34567");
        assert_eq!(Money::of_seed(1523.47).magnitude(), "1523.47");
        assert_eq!(Money::of_seed(-250.1).magnitude(), "250.10");
        assert!(Money::of_seed(-250.1).is_negative());
        for bad in ["", "-", "1.", ".5", "1,5", "1e3", "1.234567", "12345678901234", "+1", "--1"] {
            assert_eq!(Money::parse(bad), None, "{bad:?}");
        }
    }
}
