//! The words the chunks fetched on first use share and the main module does not show (`ui/split.rs`):
//! the labels of a model's parts and of an evaluation (the pages chunk's model page, form and evaluation
//! sheet; the share chunk's exports and conflicts view), a plan's labels, the names of consensus levels,
//! recognition levels and plan metrics, Vietnamese first, English second. A catalogue of its own, read
//! only by the chunks' code, so its texts travel with the chunks (wasm-split puts what several chunks use
//! in a chunk they share) instead of the first load. A text the main module shows too stays in `Msg`.

use super::messages::messages;
use super::Lang;

messages! {
/// A text the chunks share.
ChunkMsg {
    Yes => "Có", "Yes";
    No => "Không", "No";
    ChartAchieved => "Đạt được", "Achieved";
    ChartGap => "Còn thiếu", "Remaining";
    Consensus => "Mức đồng thuận của nhân dân", "People's consensus";
    ConsensusHigh => "Cao", "High";
    ConsensusMedium => "Trung bình", "Medium";
    ConsensusLow => "Thấp", "Low";
    LevelCommune => "Cấp xã", "Commune";
    LevelDistrict => "Cấp huyện", "District";
    LevelProvince => "Cấp tỉnh", "Province";
    LevelNational => "Cấp quốc gia", "National";
    MetricNewModels => "Số mô hình mới", "New models";
    MetricEvaluatedShare => "Đã đánh giá / số mô hình trong phạm vi", "Evaluated / models in scope";
    MetricEffectiveShare => "Hiệu quả trở lên / số mô hình trong phạm vi", "Effective or better / models in scope";
    Title => "Tên mô hình", "Title";
    Village => "Thôn / bản / tổ dân phố", "Village";
    Lead => "Người / hộ / nhóm thực hiện", "Lead (person, household or group)";
    Participants => "Số người tham gia", "Participants";
    Households => "Số hộ hưởng lợi", "Beneficiary households";
    MoneyVnd => "Kinh phí huy động (đồng)", "Money mobilised (VND)";
    WorkDays => "Ngày công", "Working days";
    LandM2 => "Đất hiến (m²)", "Land (m²)";
    Contributions => "Nguồn lực huy động", "Contributions mobilised";
    Description => "Mô tả", "Description";
    Recognition => "Công nhận", "Recognition";
    RecognitionLevel => "Cấp công nhận", "Recognition level";
    RecognitionYear => "Năm công nhận", "Recognition year";
    NotRecognized => "Chưa công nhận", "Not recognised";
    Milestones => "Mốc thực hiện", "Milestones";
    CurrentRating => "Đánh giá hiện tại", "Current rating";
    Exported => "Đã xuất {0} mô hình.", "Exported {0} models.";
    EvaluationDate => "Ngày đánh giá", "Date of evaluation";
    EvaluatedBy => "Người / tổ đánh giá", "Evaluated by";
    CloseToNeeds => "Sát với nhu cầu của nhân dân", "Close to people's needs";
    Notes => "Ghi chú", "Notes";
    PlanTitle => "Tên kế hoạch", "Plan title";
    PeriodFrom => "Từ ngày", "From";
    PeriodTo => "Đến ngày", "To";
    ExportTooLarge => "Tệp kèm ảnh sẽ nặng {0}, quá giới hạn 50 MB: hãy xuất không kèm ảnh, hoặc xuất từng xã.", "With photos the file would be {0}, over the 50 MB limit: export without photos, or one commune at a time.";
    SendTitle => "Chuyển sang máy bên cạnh", "Pass to the phone beside";
}}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_chunk_text_is_in_both_languages_with_the_same_placeholders() {
        crate::i18n::tests::check_catalogue(ChunkMsg::ALL, true);
    }
}
