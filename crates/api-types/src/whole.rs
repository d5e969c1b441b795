//! Whole numbers as JSON Schema counts them: `2` and `2.0` are the same integer, and clients
//! such as pandas write the second. serde reads only the first into an integer field; these
//! read both, and refuse a fraction (`2.5`) as an integer field always has.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

struct Whole;

impl Visitor<'_> for Whole {
    type Value = i128;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<i128, E> {
        Ok(i128::from(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<i128, E> {
        Ok(i128::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<i128, E> {
        // Beyond ±2^63 no value is in range of our fields; `as` saturates there.
        if n.fract() == 0.0 && n.is_finite() {
            Ok(n as i128)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(n), &self))
        }
    }
}

fn whole<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D) -> Result<T, D::Error> {
    let n = d.deserialize_any(Whole)?;
    T::try_from(n).map_err(|_| {
        de::Error::invalid_value(de::Unexpected::Other("a number out of range"), &Whole)
    })
}

/// An integer field, `2.0` included.
pub fn integer<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D) -> Result<T, D::Error> {
    whole(d)
}

/// An optional integer field (`null` or absent is `None`), `2.0` included.
pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i128>>(d: D) -> Result<Option<T>, D::Error> {
    struct Maybe<T>(std::marker::PhantomData<T>);
    impl<'de, T: TryFrom<i128>> Visitor<'de> for Maybe<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            whole(d).map(Some)
        }
    }
    d.deserialize_option(Maybe(std::marker::PhantomData))
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Fields {
        #[serde(deserialize_with = "super::integer")]
        trees: usize,
        #[serde(default, deserialize_with = "super::optional")]
        depth: Option<usize>,
    }

    fn read(json: &str) -> Result<Fields, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_whole_number_is_read_with_or_without_a_point() {
        assert_eq!(read(r#"{"trees": 14, "depth": 3.0}"#).unwrap().trees, 14);
        assert_eq!(
            read(r#"{"trees": 14.0}"#).unwrap(),
            Fields {
                trees: 14,
                depth: None
            }
        );
        assert_eq!(
            read(r#"{"trees": 0.0, "depth": null}"#).unwrap().depth,
            None
        );
    }

    #[test]
    fn a_fraction_a_negative_for_an_unsigned_field_or_text_is_refused() {
        for bad in [
            r#"{"trees": 2.5}"#,
            r#"{"trees": -1}"#,
            r#"{"trees": "3"}"#,
            r#"{"trees": 1e300}"#,
        ] {
            assert!(read(bad).is_err(), "{bad} was read");
        }
    }
}
