//! `words!`: the struct of an island's words (all `String`s, translated on the server), which
//! travel in the page's props as one JSON array in the order the fields are declared.
//!
//! serde's derive would write them as an object and give the browser a decoder that matches
//! every field's name: 28 KB of the portal's wasm for its 53 words, 6 KB of the consent form's
//! for its 11. An array of strings is decoded by the one `Vec<String>` decoder every island
//! has already, and the strings are moved into their fields as they stand (28 KB down to
//! 2.6 KB for the portal, 6 KB to 0.5 KB for the consent form: `-Oz`, before compression).

/// Declares `pub struct $name { pub field: String, … }` (with `Clone`, `Debug`, `Default` and
/// `PartialEq`), serialized as an array of its fields in order, and read back only from an
/// array of exactly as many strings.
macro_rules! words {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: String,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: String,)*
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq([$(&self.$field),*])
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const COUNT: usize = [$(stringify!($field)),*].len();
                let words = <Vec<String> as serde::Deserialize>::deserialize(deserializer)?;
                let [$($field),*]: [String; COUNT] = words
                    .try_into()
                    .map_err(|words: Vec<String>| serde::de::Error::invalid_length(words.len(), &stringify!($name)))?;
                Ok($name { $($field),* })
            }
        }
    };
}
