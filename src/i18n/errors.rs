//! Translated texts of the domain's error values (exchange files), so the core stays free of display
//! text and the screens show every problem in the officer's language.

use super::{tf, Lang, PageMsg, ShareMsg};
use crate::domain::exchange::{FileError, RecordError, RecordKind, RecordProblem, ValueProblem};

/// Why a whole file was refused.
pub fn file_error(lang: Lang, e: &FileError) -> String {
    let mb = |b: u64| format!("{:.1}", b as f64 / 1_048_576.0);
    match e {
        FileError::TooLarge { bytes, limit } => tf(lang, ShareMsg::ErrFileTooLarge, &[&mb(*bytes), &mb(*limit)]),
        FileError::Empty => ShareMsg::ErrFileEmpty.text(lang).into(),
        FileError::NotUtf8 { .. } => ShareMsg::ErrFileNotUtf8.text(lang).into(),
        FileError::NotJson { line, column } => tf(lang, ShareMsg::ErrFileNotJson, &[line, column]),
        FileError::TooDeep { .. } => ShareMsg::ErrFileTooDeep.text(lang).into(),
        FileError::NotAnObject => ShareMsg::ErrFileNotObject.text(lang).into(),
        FileError::WrongFormat { found } => tf(lang, ShareMsg::ErrFileWrongFormat, &[&found.clone().unwrap_or_default()]),
        FileError::NewerVersion { found } => tf(lang, ShareMsg::ErrFileNewerVersion, &[found]),
        FileError::BadVersion { found } => tf(lang, ShareMsg::ErrFileBadVersion, &[&found.clone().unwrap_or_default()]),
        FileError::MissingList { kind } => tf(lang, ShareMsg::ErrFileMissingList, &[&kind.code()]),
        FileError::NotAList { kind } => tf(lang, ShareMsg::ErrFileNotAList, &[&kind.code()]),
    }
}

fn value_problem(lang: Lang, p: &ValueProblem) -> String {
    match p {
        ValueProblem::WrongType { .. } => ShareMsg::ValWrongType.text(lang).into(),
        ValueProblem::Empty => ShareMsg::ValEmpty.text(lang).into(),
        ValueProblem::UnknownCode { found } => tf(lang, ShareMsg::ValUnknownCode, &[found]),
        ValueProblem::NotADate { found } => tf(lang, ShareMsg::ValNotADate, &[found]),
        ValueProblem::NotATime { found } => tf(lang, ShareMsg::ValNotATime, &[found]),
        ValueProblem::OutOfRange => ShareMsg::ValOutOfRange.text(lang).into(),
        ValueProblem::DuplicateId { id } => tf(lang, ShareMsg::ValDuplicateId, &[id]),
    }
}

/// One record that was not imported: "Model no. 3 (id …): required field “title” is missing". Positions
/// are shown 1-based, as an officer counts.
pub fn record_error(lang: Lang, e: &RecordError) -> String {
    let kind = match e.kind {
        RecordKind::Model => ShareMsg::RecordModel,
        RecordKind::Plan => ShareMsg::RecordPlan,
    };
    let reason = match &e.reason {
        RecordProblem::NotAnObject => ShareMsg::RecNotObject.text(lang).into(),
        RecordProblem::MissingField(f) => tf(lang, ShareMsg::RecMissingField, &[f]),
        RecordProblem::InvalidValue { field, problem } => tf(lang, ShareMsg::RecInvalidValue, &[field, &value_problem(lang, problem)]),
        RecordProblem::DuplicateId => ShareMsg::RecDuplicateId.text(lang).into(),
        RecordProblem::Unreadable => ShareMsg::RecUnreadable.text(lang).into(),
    };
    tf(lang, ShareMsg::InvalidRecordLine, &[&kind.text(lang), &(e.position + 1), &e.id.clone().unwrap_or_else(|| "—".into()), &reason])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::exchange::read;

    #[test]
    fn every_refusal_reads_in_both_languages() {
        let cases: Vec<&[u8]> = vec![
            b"",
            b"not json",
            b"[1,2]",
            br#"{"format":"other","version":1,"models":[],"plans":[]}"#,
            br#"{"format":"dvk-registry","version":2,"models":[],"plans":[]}"#,
            br#"{"format":"dvk-registry","version":1,"plans":[]}"#,
            &[0xff, 0xfe, 0x00],
        ];
        for bytes in cases {
            let e = read(bytes).expect_err("refused");
            let vi = file_error(Lang::Vi, &e);
            let en = file_error(Lang::En, &e);
            assert!(vi.contains("Chưa nhập gì"), "{vi}");
            assert!(en.contains("Nothing was imported"), "{en}");
            assert!(!vi.contains('{') && !en.contains('{'), "placeholders filled: {en}");
        }
        let e = read(br#"{"format":"dvk-registry","version":2,"models":[],"plans":[]}"#).unwrap_err();
        assert!(file_error(Lang::En, &e).contains("version 2"));
    }

    #[test]
    fn a_bad_record_names_its_position_id_and_field() {
        let file = br#"{"format":"dvk-registry","version":1,"plans":[],"models":[
            {"id":"x1","field":"economic","locality":{"name":"A"},"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}]}"#;
        let out = read(file).unwrap();
        assert_eq!(out.invalid.len(), 1);
        let en = record_error(Lang::En, &out.invalid[0]);
        assert!(en.starts_with("Model no. 1 (id x1)"), "{en}");
        assert!(en.contains("title"), "{en}");
        let vi = record_error(Lang::Vi, &out.invalid[0]);
        assert!(vi.starts_with("Mô hình thứ 1"), "{vi}");
    }
}

/// Why a typed or measured location is refused.
pub fn location_problem(p: crate::domain::evidence::LocationProblem) -> PageMsg {
    use crate::domain::evidence::LocationProblem as P;
    match p {
        P::Unreadable => PageMsg::LocationUnreadable,
        P::LatitudeOutOfRange => PageMsg::LocationLatRange,
        P::LongitudeOutOfRange => PageMsg::LocationLonRange,
        P::BadAccuracy => PageMsg::LocationBadAccuracy,
    }
}

/// A photo of a file whose image was refused, in words.
pub fn photo_problem(lang: Lang, p: &crate::domain::evidence::PhotoProblem) -> String {
    use crate::domain::evidence::PhotoProblemKind as K;
    let why = match p.kind {
        K::NotBase64 => ShareMsg::PhotoProblemNotBase64,
        K::NotAnImage => ShareMsg::PhotoProblemNotImage,
        K::DigestMismatch => ShareMsg::PhotoProblemDigest,
        K::TooLarge => ShareMsg::PhotoProblemTooLarge,
    };
    tf(lang, ShareMsg::ImportPhotoProblem, &[&p.photo_id, &p.model_title, &why.text(lang)])
}
