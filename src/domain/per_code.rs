//! One value per code of a coded enum (`Field`, `Status`, `Rating`…), indexed by the code itself:
//! `summary.by_field[Field::Economic]`. The array's length is the enum's `COUNT`, so a new code makes every
//! such array longer (a list of values written out for fewer codes does not compile) and no position
//! is ever written by hand.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// A coded enum (`coded_enum!` in `model`): its values in display order, and each one's place among them.
pub trait Coded: Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// How many values there are.
    const COUNT: usize = Self::ALL.len();
    /// The value's position in `ALL`.
    fn index(self) -> usize;
}

/// A `T` for each value of `E`, in `E::ALL` order. `N` is always `E::COUNT` (the aliases `PerField`,
/// `PerStatus`, `PerRating` in `model` say so; a constructor refuses anything else at compile time).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PerCode<E, T, const N: usize> {
    values: [T; N],
    code: PhantomData<E>,
}

impl<E: Coded, T, const N: usize> PerCode<E, T, N> {
    /// The values in `E::ALL` order.
    pub const fn new(values: [T; N]) -> Self {
        const { assert!(N == E::COUNT, "a PerCode holds one value per code") };
        PerCode { values, code: PhantomData }
    }

    /// The value of each code, from `f`.
    pub fn from_fn(mut f: impl FnMut(E) -> T) -> Self {
        Self::new(std::array::from_fn(|i| f(E::ALL[i])))
    }

    /// The values in `E::ALL` order.
    pub fn values(&self) -> &[T; N] {
        &self.values
    }

    /// Each code with its value, in `E::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (E, &T)> {
        E::ALL.iter().copied().zip(self.values.iter())
    }

    /// A value for each code, made from this one's.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> PerCode<E, U, N> {
        PerCode::new(self.values.map(f))
    }

    /// The sum over all codes.
    pub fn total(&self) -> T
    where
        T: Copy + std::iter::Sum,
    {
        self.values.iter().copied().sum()
    }
}

impl<E: Coded, T: Default, const N: usize> Default for PerCode<E, T, N> {
    fn default() -> Self {
        Self::new(std::array::from_fn(|_| T::default()))
    }
}

impl<E: Coded, T, const N: usize> Index<E> for PerCode<E, T, N> {
    type Output = T;
    fn index(&self, code: E) -> &T {
        &self.values[code.index()]
    }
}

impl<E: Coded, T, const N: usize> IndexMut<E> for PerCode<E, T, N> {
    fn index_mut(&mut self, code: E) -> &mut T {
        &mut self.values[code.index()]
    }
}

/// Compares with the values written in `E::ALL` order (`by_field == [190, 1807, 192, 37]`).
impl<E, T: PartialEq, const N: usize> PartialEq<[T; N]> for PerCode<E, T, N> {
    fn eq(&self, other: &[T; N]) -> bool {
        self.values == *other
    }
}

impl<E: Coded + fmt::Debug, T: fmt::Debug, const N: usize> fmt::Debug for PerCode<E, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<E: Coded, T, const N: usize> IntoIterator for PerCode<E, T, N> {
    type Item = (E, T);
    type IntoIter = std::iter::Zip<std::iter::Copied<std::slice::Iter<'static, E>>, std::array::IntoIter<T, N>>;
    fn into_iter(self) -> Self::IntoIter {
        E::ALL.iter().copied().zip(self.values)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::model::{Field, PerField, PerRating, Rating};

    #[test]
    fn values_are_found_by_their_code() {
        let mut counts = PerField::<u32>::default();
        counts[Field::DefenseSecurity] += 2;
        counts[Field::Economic] += 1;
        assert_eq!(counts, [1, 0, 2, 0]);
        assert_eq!(counts.total(), 3);
        assert_eq!(counts.iter().map(|(f, n)| (f, *n)).last(), Some((Field::PoliticalSystem, 0)));
        let names = PerRating::from_fn(Rating::code);
        assert_eq!(names[Rating::Limited], "limited");
        assert_eq!(counts.map(|n| n * 10)[Field::DefenseSecurity], 20);
        assert_eq!(
            format!("{:?}", PerField::new([1, 2, 3, 4])),
            "{Economic: 1, CulturalSocial: 2, DefenseSecurity: 3, PoliticalSystem: 4}"
        );
        let pairs: Vec<(Field, u32)> = counts.into_iter().collect();
        assert_eq!(pairs[2], (Field::DefenseSecurity, 2));
    }
}

/// Stored (in the summary, `app::summary`) as the list of values in `E::ALL` order.
impl<E: Coded, T: serde::Serialize, const N: usize> serde::Serialize for PerCode<E, T, N> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.values[..], s)
    }
}

impl<'de, E: Coded, T: serde::Deserialize<'de>, const N: usize> serde::Deserialize<'de> for PerCode<E, T, N> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values: Vec<T> = serde::Deserialize::deserialize(d)?;
        let values: [T; N] = values.try_into().map_err(|_| serde::de::Error::custom("one value per code"))?;
        Ok(PerCode { values, code: PhantomData })
    }
}
