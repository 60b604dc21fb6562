//! The message catalogue: one line per text, Vietnamese first, English second. `{0}`, `{1}`… are filled
//! by `tf`.

use super::Lang;

macro_rules! messages {
    ($($key:ident => $vi:literal, $en:literal;)+) => {
        /// A user-visible text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),+ }
        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),+];
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Vi) => $vi, (Msg::$key, Lang::En) => $en,)+
                }
            }
        }
    };
}

messages! {
    AppName => "Sổ mô hình Dân vận khéo", "Skillful Mass Mobilization Registry";
    AppShort => "Dân vận khéo", "DVK Registry";
    NavDashboard => "Tổng quan", "Dashboard";
    NavModels => "Mô hình", "Models";
    NavPlans => "Kế hoạch", "Plans";
    NavExchange => "Trao đổi", "Share";
    NavSettings => "Cài đặt", "Settings";
    MainNavigation => "Điều hướng chính", "Main navigation";
    SkipToContent => "Bỏ qua, tới nội dung", "Skip to content";
    NotFoundTitle => "Không tìm thấy trang", "Page not found";
    NotFoundBody => "Địa chỉ này không dẫn tới trang nào của ứng dụng.", "This address does not lead to any page of the app.";
    BackToDashboard => "Về trang tổng quan", "Back to the dashboard";
    Language => "Ngôn ngữ", "Language";
    // dashboard
    DashboardTitle => "Tổng quan phong trào", "Movement overview";
    TotalModels => "Tổng số mô hình", "Total models";
    CountModels => "{0} mô hình", "{0} models";
    NewThisYear => "Mới trong năm {0}", "New in {0}";
    EvaluatedShare => "Đã đánh giá", "Evaluated";
    EffectiveShare => "Hiệu quả", "Effective";
    UnexportedChanges => "Thay đổi chưa xuất", "Changes not exported";
    ByField => "Theo lĩnh vực", "By field";
    ByLocality => "Theo địa bàn", "By locality";
    ByYear => "Mô hình mới theo năm", "New models per year";
    ByRating => "Theo mức đánh giá hiện tại", "By current rating";
    EthnicShare => "Vùng đồng bào dân tộc thiểu số", "Ethnic-minority areas";
    ShowTable => "Xem bảng số liệu", "Show the numbers";
    HideTable => "Ẩn bảng số liệu", "Hide the numbers";
    SaveSvg => "Lưu ảnh SVG", "Save as SVG";
    SavePng => "Lưu ảnh PNG", "Save as PNG";
    EmptyRegistry => "Chưa có mô hình nào. Thêm mô hình đầu tiên, hoặc nạp các mô hình ví dụ trong bài báo.", "No models yet. Add the first one, or load the example models from the article.";
    LoadExamples => "Nạp mô hình ví dụ", "Load example models";
    LoadDemo => "Nạp dữ liệu mẫu cấp tỉnh (2.226 mô hình)", "Load province-scale demo data (2,226 models)";
    ExamplesLoaded => "Đã nạp {0} mô hình ví dụ.", "Loaded {0} example models.";
    NotEvaluated => "Chưa đánh giá", "Not evaluated";
    Unplaced => "Ngoài danh mục", "Not in the official list";
    Yes => "Có", "Yes";
    No => "Không", "No";
    Count => "Số lượng", "Count";
    Share => "Tỉ lệ", "Share";
    Year => "Năm", "Year";
    Total => "Tổng", "Total";
    ChartAlt => "Biểu đồ: {0}", "Chart: {0}";
    ChartNoData => "Chưa có số liệu để vẽ biểu đồ.", "No data to chart yet.";
    ChartOtherLocalities => "Còn {0} địa bàn khác với tổng cộng {1} mô hình (xem bảng số liệu).", "{0} more localities with {1} models in all (see the numbers).";
    ChartNoStartDate => "{0} mô hình chưa có ngày bắt đầu, không tính theo năm.", "{0} models have no start date and are not counted by year.";
    ChartProvinceLevel => "{0} (cấp tỉnh)", "{0} (province level)";
    ChartItem => "Nội dung", "Item";
    ChartAchieved => "Đạt được", "Achieved";
    ChartTarget => "Chỉ tiêu", "Target";
    ChartGap => "Còn thiếu", "Remaining";
    ChartGapShort => "Còn thiếu {0}", "{0} to go";
    ChartReached => "Đã đạt chỉ tiêu", "Target reached";
    ChartPlanProgress => "Tiến độ thực hiện chỉ tiêu", "Progress towards the targets";
    // fields etc.
    Field => "Lĩnh vực", "Field";
    FieldEconomic => "Kinh tế", "Economic";
    FieldCulturalSocial => "Văn hóa - xã hội", "Cultural-social";
    FieldDefenseSecurity => "Quốc phòng - an ninh", "Defence-security";
    FieldPoliticalSystem => "Xây dựng hệ thống chính trị", "Building the political system";
    Status => "Tình trạng", "Status";
    StatusPlanned => "Dự kiến", "Planned";
    StatusActive => "Đang thực hiện", "Active";
    StatusCompleted => "Đã hoàn thành", "Completed";
    StatusStopped => "Đã dừng", "Stopped";
    LeadOrganization => "Cơ quan chủ trì", "Lead organisation";
    OrgFatherlandFront => "Mặt trận Tổ quốc", "Fatherland Front";
    OrgFarmers => "Hội Nông dân", "Farmers' Association";
    OrgWomen => "Hội Liên hiệp Phụ nữ", "Women's Union";
    OrgYouth => "Đoàn Thanh niên", "Youth Union";
    OrgVeterans => "Hội Cựu chiến binh", "Veterans' Association";
    OrgPolice => "Công an xã", "Commune police";
    OrgMilitary => "Ban Chỉ huy quân sự", "Military command";
    OrgGovernment => "Chính quyền địa phương", "Local government";
    OrgPartyCell => "Chi bộ", "Party cell";
    OrgOther => "Khác", "Other";
    Rating => "Mức đánh giá", "Rating";
    RatingVeryEffective => "Rất hiệu quả", "Very effective";
    RatingEffective => "Hiệu quả", "Effective";
    RatingLimited => "Hạn chế", "Limited";
    RatingNotEffective => "Không hiệu quả", "Not effective";
    Consensus => "Mức đồng thuận của nhân dân", "People's consensus";
    ConsensusHigh => "Cao", "High";
    ConsensusMedium => "Trung bình", "Medium";
    ConsensusLow => "Thấp", "Low";
    LevelCommune => "Cấp xã", "Commune";
    LevelDistrict => "Cấp huyện", "District";
    LevelProvince => "Cấp tỉnh", "Province";
    LevelNational => "Cấp quốc gia", "National";
    MetricNewModels => "Số mô hình mới", "New models";
    MetricEvaluatedShare => "Tỉ lệ được đánh giá", "Share evaluated";
    MetricEffectiveShare => "Tỉ lệ hiệu quả", "Share effective";
    // models list
    ModelsTitle => "Danh sách mô hình", "Models";
    SearchPlaceholder => "Tìm theo tên, địa bàn, người thực hiện…", "Search by title, locality, lead…";
    Search => "Tìm kiếm", "Search";
    Filters => "Bộ lọc", "Filters";
    AllFields => "Mọi lĩnh vực", "All fields";
    AllStatuses => "Mọi tình trạng", "All statuses";
    AllOrganizations => "Mọi cơ quan", "All organisations";
    AllRatings => "Mọi mức đánh giá", "All ratings";
    AllLocalities => "Toàn tỉnh", "Whole province";
    AnyYear => "Mọi năm", "Any year";
    EthnicOnly => "Chỉ vùng đồng bào DTTS", "Ethnic-minority areas only";
    ClearFilters => "Xóa bộ lọc", "Clear filters";
    SortBy => "Sắp xếp", "Sort by";
    SortUpdated => "Mới cập nhật", "Recently updated";
    SortTitle => "Tên (A–Z)", "Title (A–Z)";
    SortStarted => "Ngày bắt đầu", "Start date";
    SortLocality => "Địa bàn", "Locality";
    SortRating => "Mức đánh giá", "Rating";
    ResultsCount => "{0} / {1} mô hình", "{0} of {1} models";
    NoResults => "Không có mô hình nào khớp. Thử bỏ bớt bộ lọc.", "No model matches. Try removing a filter.";
    PrevPage => "Trang trước", "Previous page";
    NextPage => "Trang sau", "Next page";
    PageOf => "Trang {0}/{1}", "Page {0} of {1}";
    AddModel => "Thêm mô hình", "Add model";
    // model detail / form
    Title => "Tên mô hình", "Title";
    Locality => "Địa bàn", "Locality";
    Village => "Thôn / bản / tổ dân phố", "Village";
    Lead => "Người / hộ / nhóm thực hiện", "Lead (person, household or group)";
    EthnicArea => "Vùng đồng bào dân tộc thiểu số", "Ethnic-minority area";
    StartedOn => "Ngày bắt đầu", "Start date";
    Participants => "Số người tham gia", "Participants";
    Households => "Số hộ hưởng lợi", "Beneficiary households";
    MoneyVnd => "Kinh phí huy động (đồng)", "Money mobilised (VND)";
    WorkDays => "Ngày công", "Working days";
    LandM2 => "Đất hiến (m²)", "Land (m²)";
    Contributions => "Nguồn lực huy động", "Contributions mobilised";
    Description => "Mô tả", "Description";
    Tags => "Nhãn (cách nhau bởi dấu phẩy)", "Tags (comma separated)";
    Recognition => "Công nhận", "Recognition";
    RecognitionLevel => "Cấp công nhận", "Recognition level";
    RecognitionYear => "Năm công nhận", "Recognition year";
    NotRecognized => "Chưa công nhận", "Not recognised";
    Evaluations => "Đánh giá", "Evaluations";
    Milestones => "Mốc thực hiện", "Milestones";
    NoEvaluations => "Chưa có đánh giá nào.", "No evaluations yet.";
    CurrentRating => "Đánh giá hiện tại", "Current rating";
    Edit => "Sửa", "Edit";
    Delete => "Xóa", "Delete";
    Save => "Lưu", "Save";
    Cancel => "Hủy", "Cancel";
    Undo => "Hoàn tác", "Undo";
    Close => "Đóng", "Close";
    Confirm => "Xác nhận", "Confirm";
    ConfirmDelete => "Xóa mô hình “{0}”? Có thể hoàn tác ngay sau đó.", "Delete the model “{0}”? You can undo it right after.";
    Deleted => "Đã xóa “{0}”.", "Deleted “{0}”.";
    Saved => "Đã lưu.", "Saved.";
    NewModel => "Mô hình mới", "New model";
    EditModel => "Sửa mô hình", "Edit model";
    ModelNotFound => "Không tìm thấy mô hình này (có thể đã bị xóa).", "This model was not found (it may have been deleted).";
    BackToList => "Về danh sách", "Back to the list";
    Choose => "— Chọn —", "— Choose —";
    None => "— Không —", "— None —";
    LocalitySearch => "Gõ tên xã, phường (không cần dấu)", "Type a commune or ward name (no accents needed)";
    DuplicateWarning => "Đã có mô hình cùng tên ở địa bàn này: “{0}”.", "A model with the same title exists in this locality: “{0}”.";
    FixErrors => "Vui lòng sửa các ô được đánh dấu.", "Please correct the marked fields.";
    UpdatedBy => "Cập nhật lần cuối {0} bởi {1}", "Last updated {0} by {1}";
    OldUnitNote => "Đơn vị cũ (trước 2025), nay thuộc {0}", "Former unit (before 2025), now part of {0}";
    // validation
    ErrRequired => "Bắt buộc nhập.", "Required.";
    ErrTooLong => "Dài quá {0} ký tự.", "Longer than {0} characters.";
    ErrFutureDate => "Ngày không được ở tương lai.", "The date cannot be in the future.";
    ErrTooOld => "Ngày quá xa trong quá khứ.", "The date is too far in the past.";
    ErrNumberRange => "Số không hợp lệ.", "Not a valid number.";
    ErrYearRange => "Năm phải từ {0} đến {1}.", "The year must be from {0} to {1}.";
    ErrDateOrder => "Ngày hoàn thành trước ngày bắt đầu.", "Done before it started.";
    ErrInvalidDate => "Ngày không hợp lệ.", "Not a valid date.";
    ErrNumberMax => "Không được lớn hơn {0}.", "Must not be more than {0}.";
    ErrWholeNumber => "Phải là số nguyên.", "Must be a whole number.";
    ErrTooManyTags => "Tối đa {0} nhãn.", "At most {0} tags.";
    ErrRecognizedBeforeStart => "Năm công nhận trước năm bắt đầu mô hình.", "Recognised before the model started.";
    ErrPeriodOrder => "Ngày kết thúc trước ngày bắt đầu.", "The end date is before the start date.";
    ErrShareRange => "Tỉ lệ phải từ 0 đến 100%.", "The share must be from 0 to 100%.";
    // plans
    PlansTitle => "Kế hoạch, lộ trình", "Plans and roadmaps";
    NoPlans => "Chưa có kế hoạch nào.", "No plans yet.";
    Period => "Thời gian", "Period";
    Targets => "Chỉ tiêu", "Targets";
    Progress => "Tiến độ", "Progress";
    Overdue => "Quá hạn", "Overdue";
    // exchange
    ExchangeTitle => "Trao đổi dữ liệu", "Share data";
    ExportJson => "Xuất tệp JSON", "Export JSON file";
    ExportCsv => "Xuất tệp CSV", "Export CSV";
    ImportFile => "Nhập tệp từ cán bộ khác", "Import a file from another officer";
    ExportAll => "Tất cả mô hình", "All models";
    Exported => "Đã xuất {0} mô hình.", "Exported {0} models.";
    // settings
    SettingsTitle => "Cài đặt", "Settings";
    OfficerProfile => "Thông tin cán bộ", "Officer profile";
    OfficerName => "Họ và tên", "Name";
    OfficerUnit => "Đơn vị", "Unit";
    DeviceId => "Mã thiết bị", "Device id";
    StorageUse => "Dung lượng lưu trữ", "Storage use";
    StorageUsed => "Đã dùng {0} trên {1}", "{0} used of {1}";
    StoragePersistent => "Dữ liệu được trình duyệt giữ lâu dài.", "The browser keeps this data persistently.";
    StorageNotPersistent => "Trình duyệt có thể xóa dữ liệu khi thiếu chỗ. Hãy xuất tệp thường xuyên.", "The browser may clear this data when space runs low. Export files regularly.";
    RequestPersist => "Yêu cầu lưu lâu dài", "Ask to keep data";
    // storage errors
    ErrQuota => "Bộ nhớ trình duyệt đã đầy: thay đổi vẫn còn trên màn hình nhưng chưa được lưu. Hãy xuất tệp để giữ dữ liệu.", "The browser's storage is full: your change is still on screen but not saved. Export a file to keep your data.";
    ErrStorageUnavailable => "Không dùng được bộ nhớ trình duyệt (chế độ riêng tư?). Dữ liệu chỉ còn đến khi đóng trang.", "Browser storage is unavailable (private mode?). Data lasts only until the page closes.";
    ErrCorrupt => "Dữ liệu lưu trữ bị hỏng nên đã được cất riêng (không bị xóa). Hãy xuất bản sao và báo cho cán bộ kỹ thuật.", "The stored data was damaged and has been set aside (not deleted). Export a copy and tell your technical officer.";
    ChangedInOtherTab => "Dữ liệu vừa được thay đổi ở một thẻ khác; đã tải lại.", "The data was changed in another tab; reloaded.";
    ErrorScreen => "Đã xảy ra lỗi không mong muốn. Dữ liệu của bạn vẫn an toàn trong trình duyệt.", "Something unexpected went wrong. Your data is still safe in the browser.";
    Reload => "Tải lại", "Reload";
    ErrNewerSchema => "Dữ liệu trong trình duyệt do phiên bản mới hơn của ứng dụng ghi; ứng dụng sẽ không ghi đè. Hãy tải lại để dùng phiên bản mới.", "The data in this browser was written by a newer version of the app; it will not be overwritten. Reload to use the newer version.";
    Dismiss => "Ẩn thông báo", "Dismiss";
    FormerUnit => "đơn vị cũ", "former unit";
    CurrentUnits => "Xã, phường (từ 7/2025)", "Communes and wards (from 2025-07)";
    FormerDistricts => "Huyện, thị xã cũ (trước 7/2025)", "Former districts (before 2025-07)";
    PageNav => "Phân trang", "Pages";
    AddEvaluation => "Thêm đánh giá", "Add evaluation";
    EvaluationDate => "Ngày đánh giá", "Date of evaluation";
    EvaluatedBy => "Người / tổ đánh giá", "Evaluated by";
    CloseToNeeds => "Sát với nhu cầu của nhân dân", "Close to people's needs";
    Notes => "Ghi chú", "Notes";
    EvaluationSaved => "Đã ghi đánh giá.", "Evaluation recorded.";
    RatingHistory => "Lịch sử đánh giá", "Rating history";
    AppendOnlyNote => "Đánh giá không sửa được; muốn đính chính, hãy thêm đánh giá mới.", "Evaluations cannot be edited; to correct one, add a new evaluation.";
    Unknown => "Chưa rõ", "Unknown";
    Details => "Thông tin", "Details";
    Started => "Bắt đầu", "Started";
    OpenReport => "Báo cáo in được", "Printable report";
    DashboardFiltered => "Số liệu theo bộ lọc đang chọn ở danh sách", "Figures follow the filter chosen in the list of";
    ExportMyData => "Xuất dữ liệu của tôi", "Export my data";
}
