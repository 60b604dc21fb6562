//! Thể thức văn bản: who issues the printed report and who signs it. Hướng dẫn 36-HD/VPTW (2018) lays
//! out a Party document: the superior Party organisation and the issuing body top left, over the
//! document's number and symbol; the place of issue with the date; the signer's authority, role and name;
//! the recipients. The officer types these once in Settings; `i18n::report::document_frame` writes the
//! header and the signature block from them. Names, not sentences: nothing here is translated.

use serde::{Deserialize, Serialize};

use super::model::Extra;

/// The place of issue when none is set: the app ships Huế's units.
pub const DEFAULT_PLACE: &str = "Huế";

/// The issuing body and the signer of printed reports. Every field may be empty (settings stored before
/// these existed read as empty); the report then leaves a dotted blank to be filled in by hand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Letterhead {
    /// Cấp ủy cấp trên trực tiếp, e.g. "Đảng bộ thành phố Huế".
    pub superior: String,
    /// Cơ quan ban hành, e.g. "Ban Dân vận Thành ủy".
    pub issuer: String,
    /// The issuing body's abbreviation in document symbols, e.g. "BDVTU" (of "Số 12-BC/BDVTU").
    pub issuer_code: String,
    /// Địa danh of the place-and-date line; `DEFAULT_PLACE` when empty.
    pub place: String,
    /// Thẩm quyền ký, e.g. "T/M Ban Dân vận", "K/T Trưởng ban"; empty when the head signs in their own name.
    pub authority: String,
    /// Chức vụ của người ký, e.g. "Trưởng ban".
    pub signer_role: String,
    /// Họ và tên người ký.
    pub signer_name: String,
    /// Nơi nhận: one recipient a line.
    pub recipients: String,
    /// Fields written by a newer version, kept as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A part of the letterhead a filed report needs (the authority is optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterheadField {
    Superior,
    Issuer,
    IssuerCode,
    SignerRole,
    SignerName,
    Recipients,
}

impl Letterhead {
    /// The place of issue ("Huế" unless another is set).
    pub fn place(&self) -> &str {
        match self.place.trim() {
            "" => DEFAULT_PLACE,
            p => p,
        }
    }

    /// The recipients, one a line, without the list dash or the closing comma or full stop that the
    /// document adds back ("- Ban Thường vụ Thành ủy (b/c),"). Empty lines are skipped.
    pub fn recipients(&self) -> Vec<&str> {
        self.recipients
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '–', '•', '+']).trim_end_matches([',', ';', '.']).trim())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The parts a filed report needs that are not set, in the order they appear on the page.
    pub fn missing(&self) -> Vec<LetterheadField> {
        use LetterheadField::*;
        [
            (Superior, self.superior.trim().is_empty()),
            (Issuer, self.issuer.trim().is_empty()),
            (IssuerCode, self.issuer_code.trim().is_empty()),
            (SignerRole, self.signer_role.trim().is_empty()),
            (SignerName, self.signer_name.trim().is_empty()),
            (Recipients, self.recipients().is_empty()),
        ]
        .into_iter()
        .filter_map(|(f, empty)| empty.then_some(f))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_letterhead_is_issued_in_hue_and_lacks_everything_a_filed_report_needs() {
        let l = Letterhead::default();
        assert_eq!(l.place(), "Huế");
        assert_eq!(l.missing().len(), 6);
        assert!(l.recipients().is_empty());
    }

    #[test]
    fn recipients_are_read_one_a_line_without_their_dashes_and_punctuation() {
        let l = Letterhead { recipients: "- Ban Thường vụ Thành ủy (b/c),\n\n  Các đảng ủy trực thuộc;\n- Lưu VP.".into(), ..Default::default() };
        assert_eq!(l.recipients(), ["Ban Thường vụ Thành ủy (b/c)", "Các đảng ủy trực thuộc", "Lưu VP"]);
    }

    #[test]
    fn a_filled_letterhead_lacks_nothing_and_keeps_its_place() {
        let l = Letterhead {
            superior: "Đảng bộ thành phố Huế".into(),
            issuer: "Ban Dân vận Thành ủy".into(),
            issuer_code: "BDVTU".into(),
            place: " Phú Lộc ".into(),
            authority: String::new(),
            signer_role: "Trưởng ban".into(),
            signer_name: "Nguyễn Văn A".into(),
            recipients: "Lưu VP".into(),
            extra: Extra::new(),
        };
        assert_eq!(l.missing(), []);
        assert_eq!(l.place(), "Phú Lộc");
    }
}
