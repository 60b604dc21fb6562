//! The message catalogue of the main module: one line per text, Vietnamese first, English second.
//! `{0}`, `{1}`… are filled by `tf`. The texts only a chunk fetched on first use shows are in that
//! chunk's own catalogue (`pages.rs`, `share.rs`, `sync.rs`), those several chunks show and the main
//! module does not in `chunks.rs` (`ChunkMsg`), all made by the same macro.

use super::Lang;

/// A catalogue of texts: every message in each language. Implemented by `messages!`; `t`, `tf` and the
/// views' `AppState::t`/`tr` take any catalogue, so a chunk's code reads its own catalogue directly (a
/// generic caller is compiled for each catalogue, where it is used) and its texts stay in that chunk.
pub trait Catalogue: Copy + Send + Sync + 'static {
    fn text(self, lang: Lang) -> &'static str;
}

macro_rules! messages {
    ($(#[$doc:meta])* $name:ident { $($key:ident => $vi:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($key),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key),+];
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$key, Lang::Vi) => $vi, ($name::$key, Lang::En) => $en,)+
                }
            }
        }
        impl $crate::i18n::Catalogue for $name {
            #[inline]
            fn text(self, lang: Lang) -> &'static str {
                $name::text(self, lang)
            }
        }
    };
}
pub(super) use messages;

messages! {
/// A user-visible text.
Msg {
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
    // parts of the app fetched on first use (ui/split.rs)
    PartLoading => "Đang tải phần này của ứng dụng…", "Loading this part of the app…";
    // the registry read in parts (ui/state.rs): a page that needs every record waits for the last chunk
    StillLoading => "Đang đọc toàn bộ sổ mô hình, xin chờ một chút…", "Still reading the whole registry, a moment…";
    StillLoadingShort => "đang đọc…", "reading…";
    PartNotLoaded => "Chưa tải được phần này của ứng dụng: cần mạng một lần để lấy về. Dữ liệu đã lưu không bị ảnh hưởng.", "This part of the app could not be loaded: it needs a connection once to fetch it. Your saved data is not affected.";
    TryAgain => "Thử lại", "Try again";
    // dashboard
    DashboardTitle => "Tổng quan phong trào", "Movement overview";
    TotalModels => "Tổng số mô hình", "Total models";
    CountModels => "{0} mô hình", "{0} models";
    NewThisYear => "Mới trong năm {0}", "New in {0}";
    EvaluatedShare => "Đã đánh giá / tổng số mô hình", "Evaluated / all models";
    EffectiveShare => "Hiệu quả trở lên / đã đánh giá", "Effective or better / evaluated";
    UnexportedChanges => "Thay đổi chưa xuất", "Changes not exported";
    ByField => "Theo lĩnh vực", "By field";
    ByLocality => "Theo địa bàn", "By locality";
    ByYear => "Mô hình mới theo năm", "New models per year";
    ByRating => "Theo mức đánh giá hiện tại", "By current rating";
    EthnicShare => "Vùng đồng bào dân tộc thiểu số", "Ethnic-minority areas";
    ShowTable => "Xem bảng số liệu", "Show the numbers";
    HideTable => "Ẩn bảng số liệu", "Hide the numbers";
    SaveSvg => "Tải biểu đồ (SVG)", "Download chart (SVG)";
    SavePng => "Tải biểu đồ (PNG)", "Download chart (PNG)";
    EmptyRegistry => "Chưa có mô hình nào. Thêm mô hình đầu tiên, hoặc nạp các mô hình ví dụ trong bài báo.", "No models yet. Add the first one, or load the example models from the article.";
    LoadExamples => "Nạp mô hình ví dụ", "Load example models";
    LoadDemo => "Nạp dữ liệu mẫu toàn thành phố (2.226 mô hình)", "Load city-wide demo data (2,226 models)";
    ExamplesLoaded => "Đã nạp {0} mô hình ví dụ.", "Loaded {0} example models.";
    NotEvaluated => "Chưa đánh giá", "Not evaluated";
    Unplaced => "Ngoài danh mục", "Not in the official list";
    Count => "Số lượng", "Count";
    Share => "Tỉ lệ", "Share";
    Year => "Năm", "Year";
    Total => "Tổng", "Total";
    ChartAlt => "Biểu đồ: {0}", "Chart: {0}";
    ChartNoData => "Chưa có số liệu để vẽ biểu đồ.", "No data to chart yet.";
    ChartOtherLocalities => "Còn {0} địa bàn khác với tổng cộng {1} mô hình (xem bảng số liệu).", "{0} more localities with {1} models in all (see the numbers).";
    ChartNoStartDate => "{0} mô hình chưa có ngày bắt đầu, không tính theo năm.", "{0} models have no start date and are not counted by year.";
    ChartProvinceLevel => "{0} (cấp tỉnh)", "{0} (province level)";
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
    // models list
    ModelsTitle => "Danh sách mô hình", "Models";
    SearchPlaceholder => "Tên, địa bàn, người thực hiện…", "Title, locality, lead…";
    Search => "Tìm kiếm", "Search";
    Filters => "Bộ lọc", "Filters";
    AllFields => "Mọi lĩnh vực", "All fields";
    AllStatuses => "Mọi tình trạng", "All statuses";
    AllOrganizations => "Mọi cơ quan", "All organisations";
    AllRatings => "Mọi mức đánh giá", "All ratings";
    AllLocalities => "Toàn thành phố", "Whole city";
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
    Locality => "Địa bàn", "Locality";
    EthnicArea => "Vùng đồng bào dân tộc thiểu số", "Ethnic-minority area";
    StartedOn => "Ngày bắt đầu", "Start date";
    Cancel => "Hủy", "Cancel";
    Undo => "Hoàn tác", "Undo";
    Close => "Đóng", "Close";
    // plans
    // exchange
    // settings
    OfficerName => "Họ và tên", "Name";
    OfficerUnit => "Đơn vị", "Unit";
    // storage errors
    ErrQuota => "Bộ nhớ trình duyệt đã đầy: thay đổi vẫn còn trên màn hình nhưng chưa được lưu. Hãy xuất tệp để giữ dữ liệu.", "The browser's storage is full: your change is still on screen but not saved. Export a file to keep your data.";
    ErrStorageUnavailable => "Không dùng được bộ nhớ trình duyệt (chế độ riêng tư?). Dữ liệu chỉ còn đến khi đóng trang.", "Browser storage is unavailable (private mode?). Data lasts only until the page closes.";
    ErrCorrupt => "Dữ liệu lưu trữ bị hỏng nên đã được cất riêng (không bị xóa). Hãy xuất bản sao và báo cho cán bộ kỹ thuật.", "The stored data was damaged and has been set aside (not deleted). Export a copy and tell your technical officer.";
    ChangedInOtherTab => "Dữ liệu vừa được thay đổi ở một thẻ khác; đã tải lại.", "The data was changed in another tab; reloaded.";
    ErrorScreen => "Đã xảy ra lỗi không mong muốn. Dữ liệu của bạn vẫn an toàn trong trình duyệt.", "Something unexpected went wrong. Your data is still safe in the browser.";
    Reload => "Tải lại", "Reload";
    ErrNewerSchema => "Dữ liệu trong trình duyệt do phiên bản mới hơn của ứng dụng ghi; ứng dụng sẽ không ghi đè. Hãy tải lại để dùng phiên bản mới.", "The data in this browser was written by a newer version of the app; it will not be overwritten. Reload to use the newer version.";
    Dismiss => "Ẩn thông báo", "Dismiss";
    CurrentUnits => "Xã, phường (từ 7/2025)", "Communes and wards (from July 2025)";
    FormerDistricts => "Huyện, thị xã cũ (trước 7/2025)", "Former districts (before July 2025)";
    PageNav => "Phân trang", "Pages";
    OpenReport => "In báo cáo", "Print a report";
    ErrBackupFailed => "Không tạo được bản sao lưu phải có trước khi nhập hoặc khôi phục (bộ nhớ đầy), nên chưa thay đổi gì. Hãy xuất dữ liệu ra tệp hoặc xóa bớt bản sao lưu cũ.", "Could not make the backup that must come before an import or a restore (storage full), so nothing was changed. Export your data to a file or delete older backups first.";
    // integrity (two tabs, damaged storage, drafts, files dated in the future)
    ErrReadOnlyDamaged => "Một phần dữ liệu lưu trên máy bị thiếu hoặc hỏng, nên ứng dụng tạm không ghi gì để khỏi mất thêm. Hãy xuất phần đọc được, khôi phục một bản sao lưu, hoặc chọn tiếp tục với phần đọc được.", "Part of the stored data is missing or damaged, so the app writes nothing for now, to lose nothing more. Export what can be read, restore a backup, or choose to go on with what can be read.";
    ErrRecordGone => "Bản ghi này không còn (có thể vừa bị xóa ở thẻ khác).", "This record is gone (perhaps just deleted in another tab).";
    ErrBackupUnreadable => "Không đọc được bản sao lưu này; dữ liệu hiện tại giữ nguyên.", "This backup cannot be read; the current data is unchanged.";
    NoticeMissingChunks => "Thiếu một phần dữ liệu lưu trên máy ({0} phần). Những mô hình trong phần đó không hiển thị.", "Part of the stored data is missing ({0} parts). The models in it are not shown.";
    AcceptDamage => "Tiếp tục với phần đọc được", "Go on with what can be read";
    ExportReadable => "Xuất phần đọc được", "Export what can be read";
    GoRestore => "Khôi phục bản sao lưu", "Restore a backup";
    MergedWithOtherTabConflicts => "Đã gộp với thay đổi ở một thẻ khác; {0} phiên bản được giữ ở mục Xung đột.", "Merged with changes made in another tab; {0} versions kept under Conflicts.";
    BackupsDropped => "Bộ nhớ gần đầy: đã xóa bản sao lưu lúc {0} để lưu được dữ liệu.", "Storage nearly full: the backup of {0} was deleted so the data could be saved.";
    ClockBehindDevice => "Ngày trên máy này là {0}, nhưng dữ liệu máy đã nhận có ngày {1}: có lẽ đồng hồ máy đang sai. Hãy đặt lại ngày giờ (Cài đặt › Ngày và giờ › Tự động). Các thay đổi trên máy này vẫn được ghi sau dữ liệu đã nhận.", "This device's date is {0}, but records it has received are dated {1}: its clock is probably wrong. Set the date and time again (Settings › Date and time › Automatic). Changes made here are still saved as later than what was received.";
    WholeProvince => "Toàn thành phố", "Whole city";
    EthnicOnlyShort => "chỉ vùng DTTS", "ethnic-minority areas only";
    VisitTitle => "Đi cơ sở", "Field visit";
    VisitHere => "Đi cơ sở tại {0}", "Field visit in {0}";
    VisitDueSummary => "{0} mô hình · {1} cần đánh giá", "{0} models · {1} due a visit";
    FilteringBy => "Đang lọc: {0} · {1}/{2}", "Filtered: {0} · {1}/{2}";
    SeeList => "Xem danh sách", "See the list";
    WelcomeTitle => "Chào mừng đến Sổ mô hình Dân vận khéo", "Welcome to the Skillful Mass Mobilization Registry";
    WelcomeWho => "Cho biết tên và đơn vị của anh/chị: mỗi thay đổi sẽ ghi tên này.", "Tell us your name and unit: every change you make is signed with them.";
    WelcomeStart => "Bắt đầu:", "Get started:";
    ImportAFile => "Nhập tệp", "Import a file";
    TrySamples => "Dùng thử dữ liệu mẫu", "Try sample data";
    SampleTag => "Mẫu", "Sample";
    SamplesPresent => "Đang có {0} mô hình mẫu (dữ liệu thử, không phải của địa phương).", "{0} sample models are here (trial data, not your locality's).";
    RemoveSamples => "Xóa dữ liệu mẫu", "Remove the sample data";
    SamplesRemoved => "Đã xóa {0} mô hình mẫu.", "Removed {0} sample models.";
    VisitShortcutNone => "Chọn xã, phường để đánh giá mô hình khi đi cơ sở", "Choose a commune to evaluate its models on a field visit";
    FilterText => "“{0}”", "“{0}”";
    FilterYear => "bắt đầu năm {0}", "started in {0}";
    // photos and location (issue #15)
    PhotoStoreUnavailable => "Không lưu được ảnh: trình duyệt không cho dùng bộ nhớ ảnh (chế độ ẩn danh?).", "The photo could not be saved: the browser refuses photo storage (private mode?).";
    ImportPhotosFull => "Không đủ bộ nhớ để lưu ảnh của tệp: chưa nhập gì. Hãy giải phóng bộ nhớ rồi nhập lại, hoặc nhập không kèm ảnh.", "There is no room for the file's photos: nothing was imported. Free some space and import again, or import without the photos.";
    NewVersion => "Đã có phiên bản mới của ứng dụng.", "A new version of the app is ready.";
    ExportMyData => "Xuất dữ liệu của tôi", "Export my data";
    // phone to phone (QR codes)
}}
