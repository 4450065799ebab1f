//! Closed lists of codes (scheme, mandate type, civility…): parsed from
//! their stored and API code, refused with the list when unknown.

/// Why a code is not one of a closed list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not {expected}")]
pub struct UnknownCode {
    /// What was given.
    pub given: String,
    /// The accepted codes, for the message.
    pub expected: &'static str,
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $expected:literal, { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Parses the stored and API code.
            pub fn parse(input: &str) -> Result<$name, $crate::codes::UnknownCode> {
                match input.trim() {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::codes::UnknownCode { given: other.to_owned(), expected: $expected }),
                }
            }

            /// The stored and API code.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }

        $crate::value_macros::string_value!($name, $crate::codes::UnknownCode, $expected);
    };
}
pub(crate) use code_enum;
