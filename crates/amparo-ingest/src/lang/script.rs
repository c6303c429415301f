//! Writing systems of letters, for text the n-gram model does not cover: a script used by one
//! language only names that language; the others leave the text undetermined.

/// A writing system the detector tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    Other,
}

/// How many [`Script`] variants there are.
pub(crate) const N_SCRIPTS: usize = 13;

impl Script {
    /// The script of a letter.
    #[inline]
    pub(crate) fn of(c: char) -> Script {
        match u32::from(c) {
            0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF => Script::Latin,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Script::Cyrillic
            }
            0x0530..=0x058F => Script::Armenian,
            0x0590..=0x05FF => Script::Hebrew,
            0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF => Script::Arabic,
            0x0900..=0x097F => Script::Devanagari,
            0x0E00..=0x0E7F => Script::Thai,
            0x10A0..=0x10FF => Script::Georgian,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF | 0x31F0..=0x31FF => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            _ => Script::Other,
        }
    }

    /// The language a text mostly in this script is in, when only one language is likely;
    /// `None` for Latin (left to the model) and for scripts shared by many languages.
    pub(crate) fn sole_language(self) -> Option<&'static str> {
        match self {
            Script::Greek => Some("el"),
            Script::Armenian => Some("hy"),
            Script::Hebrew => Some("he"),
            Script::Thai => Some("th"),
            Script::Georgian => Some("ka"),
            Script::Hangul => Some("ko"),
            Script::Kana => Some("ja"),
            Script::Han => Some("zh"),
            Script::Latin
            | Script::Cyrillic
            | Script::Arabic
            | Script::Devanagari
            | Script::Other => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) const ALL: [Script; N_SCRIPTS] = [
        Script::Latin,
        Script::Greek,
        Script::Cyrillic,
        Script::Armenian,
        Script::Hebrew,
        Script::Arabic,
        Script::Devanagari,
        Script::Thai,
        Script::Georgian,
        Script::Hangul,
        Script::Kana,
        Script::Han,
        Script::Other,
    ];
}
