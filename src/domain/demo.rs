//! Dữ liệu mẫu: the example models the seed article names (with the locality names and GSO codes they had
//! before the 2025 reorganisation), and a deterministic province-scale demo registry with the article's
//! totals (2,226 models: 190 economic, 1,807 cultural-social, 192 defence-security, 37 political system),
//! plus a scaled version of it for benchmarks.
//!
//! Everything here is made from a seed with a small PRNG (SplitMix64) written in this module, so the same
//! seed always gives the same records. Nothing reads the clock: the caller passes "now". Every generated
//! model is tagged `dữ liệu mẫu` so officers can tell demo data from real records and filter it out.

use std::collections::HashSet;

use serde::Deserialize;

use crate::format::grouped;

use super::fold::fold;
use super::locality::{Level, Localities, Placement, Unit};
use super::model::{
    Consensus, Contributions, Evaluation, Extra, Field, LeadOrganization, LocalityRef, Milestone, Model, PerField,
    Rating, Recognition, RecognitionLevel, Status,
};
use super::time::{Date, Timestamp};

/// The article's count of models in the whole province.
pub const PROVINCE_TOTAL: usize = 2226;
/// The article's counts by field (190 economic, 1,807 cultural-social, 192 defence-security, 37 political
/// system); they add up to `PROVINCE_TOTAL`.
pub const ARTICLE_FIELD_COUNTS: PerField<usize> = PerField::new([190, 1807, 192, 37]);
/// The tag every generated demo model carries.
pub const DEMO_TAG: &str = "dữ liệu mẫu";

/// The current communes with mountain, ethnic-minority areas (A Lưới 1–5, Nam Đông, Khe Tre, Long Quảng).
pub const MOUNTAIN_COMMUNES: [u32; 8] = [20056, 20044, 20071, 20101, 20050, 20179, 20161, 20182];
/// Bình Điền: a foothill commune with some ethnic-minority villages.
const FOOTHILL_COMMUNE: u32 = 20035;
/// The day the two-level structure took effect.
fn reorganised_on() -> Date {
    Date::from_ymd(2025, 7, 1).expect("a valid date")
}

// ---------------------------------------------------------------------------------------------------------
// The article's examples

fn fixed_ts(s: &str, now: Timestamp) -> Timestamp {
    Timestamp::parse(s).expect("valid fixed time").min(now)
}

fn date(s: &str) -> Date {
    Date::parse(s).expect("valid fixed date")
}

fn loc(code: u32, name: &str, village: Option<&str>) -> LocalityRef {
    LocalityRef { code: Some(code), name: name.into(), village: village.map(str::to_string), extra: Extra::new() }
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn money(vnd: u64, work_days: u64, land_m2: Option<u64>) -> Contributions {
    Contributions { money_vnd: Some(vnd), work_days: Some(work_days), land_m2, extra: Extra::new() }
}

fn evaluation(id: &str, on: &str, by: &str, rating: Rating, consensus: Consensus, notes: &str) -> Evaluation {
    Evaluation { recorded_at: None,
        id: id.into(),
        date: date(on),
        by: by.into(),
        rating,
        close_to_needs: Some(rating.is_effective()),
        consensus: Some(consensus),
        notes: notes.into(),
        extra: Extra::new(),
    }
}

/// The models the seed article names, with the locality names and GSO codes of the time (2024). Their ids
/// are fixed, and their created/updated times are fixed (never later than `now`), so loading them twice
/// gives the same records and never overrides an officer's later edit of them.
pub fn article_examples(now: Timestamp, device: &str) -> Vec<Model> {
    let stamp = fixed_ts("2024-07-01T02:00:00Z", now);
    let base = |id: &str, title: &str, field: Field, locality: LocalityRef| {
        let mut m = Model::new(id.into(), stamp, device);
        m.title = title.into();
        m.field = field;
        m.locality = locality;
        m.status = Some(Status::Active);
        m
    };
    let note = " Số người tham gia và nguồn lực đóng góp là số liệu minh họa.";

    let mut blup = base(
        "8f3b2a10-6c1d-4e2f-9a01-2024a0000001",
        "Mô hình trang trại kết hợp chăn nuôi gia súc, gia cầm của ông Blup Xing",
        Field::Economic,
        loc(20095, "Xã A Roàng", Some("A Ka")),
    );
    blup.lead = "Ông Blup Xing".into();
    blup.lead_organization = Some(LeadOrganization::FarmersAssociation);
    blup.ethnic_minority_area = true;
    blup.started_on = Some(date("2021-03-15"));
    blup.participants = Some(6);
    blup.beneficiary_households = Some(4);
    blup.contributions = money(150_000_000, 300, Some(20_000));
    blup.description = format!(
        "Mô hình “Dân vận khéo” điển hình của huyện A Lưới: ông Blup Xing ở thôn A Ka, xã A Roàng xây dựng trang \
         trại kết hợp chăn nuôi gia súc, gia cầm, tạo sinh kế và lan tỏa cách làm ăn cho bà con trong thôn.{note}"
    );
    blup.tags = tags(&["sinh kế", "chăn nuôi", "giảm nghèo", "vùng DTTS"]);
    blup.recognition = Some(Recognition { level: RecognitionLevel::District, year: Some(2023), extra: Extra::new() });
    blup.evaluations = vec![evaluation(
        "8f3b2a10-6c1d-4e2f-8e01-2024a0000101",
        "2024-03-12",
        "Đoàn công tác Ban Dân vận Tỉnh ủy",
        Rating::VeryEffective,
        Consensus::High,
        "Mô hình phát huy hiệu quả, được người dân đồng thuận; đề nghị nhân rộng trong vùng đồng bào dân tộc thiểu số.",
    )];

    let mut nghiem = base(
        "8f3b2a10-6c1d-4e2f-9a01-2024a0000002",
        "Mô hình nuôi bò thịt của ông Hồ Văn Nghiêm",
        Field::Economic,
        loc(20089, "Xã Hồng Thái", None),
    );
    nghiem.lead = "Ông Hồ Văn Nghiêm".into();
    nghiem.lead_organization = Some(LeadOrganization::FarmersAssociation);
    nghiem.ethnic_minority_area = true;
    nghiem.started_on = Some(date("2020-06-01"));
    nghiem.participants = Some(4);
    nghiem.beneficiary_households = Some(3);
    nghiem.contributions = money(80_000_000, 150, Some(5_000));
    nghiem.description = format!(
        "Ông Hồ Văn Nghiêm ở xã Hồng Thái (huyện A Lưới) nuôi bò thịt, làm chuồng trại và trồng cỏ, giúp gia đình \
         thoát nghèo và hướng dẫn các hộ lân cận cùng làm.{note}"
    );
    nghiem.tags = tags(&["sinh kế", "chăn nuôi", "vùng DTTS"]);
    nghiem.evaluations = vec![evaluation(
        "8f3b2a10-6c1d-4e2f-8e01-2024a0000201",
        "2024-03-13",
        "Đoàn công tác Ban Dân vận Tỉnh ủy",
        Rating::Effective,
        Consensus::High,
        "Mô hình có hiệu quả kinh tế, sát với nhu cầu của người dân.",
    )];

    let mut cinnamon = base(
        "8f3b2a10-6c1d-4e2f-9a01-2024a0000003",
        "Mô hình trồng quế của các hộ dân thôn Ka Dong",
        Field::Economic,
        loc(20188, "Xã Thượng Long", Some("Ka Dong")),
    );
    cinnamon.lead = "Các hộ dân thôn Ka Dong".into();
    cinnamon.lead_organization = Some(LeadOrganization::FatherlandFront);
    cinnamon.ethnic_minority_area = true;
    cinnamon.started_on = Some(date("2019-04-01"));
    cinnamon.participants = Some(40);
    cinnamon.beneficiary_households = Some(25);
    cinnamon.contributions = money(120_000_000, 900, Some(150_000));
    cinnamon.description = format!(
        "Ban công tác Mặt trận thôn Ka Dong, xã Thượng Long (huyện Nam Đông) vận động các hộ dân trồng quế trên \
         đất đồi, tạo nguồn thu nhập ổn định, lâu dài.{note}"
    );
    cinnamon.tags = tags(&["sinh kế", "trồng trọt", "lâm nghiệp", "vùng DTTS"]);
    cinnamon.milestones = vec![Milestone {
        id: "8f3b2a10-6c1d-4e2f-8d01-2024a0000301".into(),
        title: "Tổng kết 5 năm thực hiện mô hình".into(),
        due: Some(date("2024-06-30")),
        done_on: Some(date("2024-06-25")),
        notes: String::new(),
        extra: Extra::new(),
    }];

    let mut duc = base(
        "8f3b2a10-6c1d-4e2f-9a01-2024a0000004",
        "Mô hình nuôi heo hữu cơ của ông Trần Văn Đức",
        Field::Economic,
        loc(20173, "Xã Thượng Quảng", None),
    );
    duc.lead = "Ông Trần Văn Đức".into();
    duc.lead_organization = Some(LeadOrganization::FarmersAssociation);
    duc.ethnic_minority_area = true;
    duc.started_on = Some(date("2021-06-01"));
    duc.participants = Some(5);
    duc.beneficiary_households = Some(5);
    duc.contributions = money(60_000_000, 200, Some(1_000));
    duc.description = format!(
        "Ông Trần Văn Đức ở xã Thượng Quảng (huyện Nam Đông) nuôi heo theo hướng hữu cơ. “Hiệu quả của mỗi mô \
         hình là sự đồng thuận của người dân khi thấy được hiệu quả, lợi ích mà mô hình mang lại.”{note}"
    );
    duc.tags = tags(&["sinh kế", "chăn nuôi", "hữu cơ", "vùng DTTS"]);
    duc.evaluations = vec![evaluation(
        "8f3b2a10-6c1d-4e2f-8e01-2024a0000401",
        "2024-04-10",
        "Đoàn khảo sát Ban Dân vận Huyện ủy Nam Đông",
        Rating::Effective,
        Consensus::High,
        "Người dân đồng thuận khi thấy được hiệu quả, lợi ích của mô hình.",
    )];

    let mut houses = base(
        "8f3b2a10-6c1d-4e2f-9a01-2024a0000005",
        "Mô hình xây dựng nhà “Đại đoàn kết” cho hộ nghèo ở thị xã Hương Thủy",
        Field::CulturalSocial,
        loc(19975, "Phường Hương Thủy", None),
    );
    houses.lead = "Ủy ban Mặt trận Tổ quốc thị xã Hương Thủy".into();
    houses.lead_organization = Some(LeadOrganization::FatherlandFront);
    houses.started_on = Some(date("2023-10-01"));
    houses.participants = Some(120);
    houses.beneficiary_households = Some(10);
    houses.contributions = money(600_000_000, 400, None);
    houses.description = format!(
        "Khởi công xây dựng nhà “Đại đoàn kết” cho hộ nghèo ở thị xã Hương Thủy (nay thuộc phường Hương Thủy), \
         huy động doanh nghiệp, nhà hảo tâm và ngày công của bà con lối xóm.{note}"
    );
    houses.tags = tags(&["an sinh xã hội", "nhà Đại đoàn kết", "giảm nghèo"]);

    vec![blup, nghiem, cinnamon, duc, houses]
}

// ---------------------------------------------------------------------------------------------------------
// The PRNG

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and good enough for demo data.
#[derive(Debug, Clone)]
struct Prng(u64);

impl Prng {
    fn new(seed: u64) -> Prng {
        Prng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index chosen with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < w as u64 {
                return i;
            }
            r -= w as u64;
        }
        weights.len() - 1
    }

    /// A value chosen from (value, weight) pairs.
    fn choose<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        let w: Vec<u32> = table.iter().map(|(_, w)| *w).collect();
        table[self.weighted(&w)].0
    }

    /// A random (version 4) UUID in its usual text form.
    fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Templates

/// Where an activity happens.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Terrain {
    Any,
    Mountain,
    Lowland,
}

/// One kind of model: the words of its title, its tags and whether it mobilises land.
struct Template {
    activity: &'static str,
    tags: &'static [&'static str],
    terrain: Terrain,
    land: bool,
}

const fn t(activity: &'static str, tags: &'static [&'static str], terrain: Terrain, land: bool) -> Template {
    Template { activity, tags, terrain, land }
}

use Terrain::{Any, Lowland, Mountain};

const ECONOMIC: &[Template] = &[
    t("nuôi bò sinh sản", &["chăn nuôi", "sinh kế"], Any, true),
    t("nuôi bò thịt vỗ béo", &["chăn nuôi", "sinh kế"], Any, true),
    t("nuôi heo đen bản địa", &["chăn nuôi", "sinh kế"], Mountain, false),
    t("nuôi gà thả vườn", &["chăn nuôi", "sinh kế"], Any, false),
    t("nuôi cá nước ngọt", &["thủy sản", "sinh kế"], Any, true),
    t("nuôi ong lấy mật", &["chăn nuôi", "sinh kế"], Any, false),
    t("trồng quế", &["lâm nghiệp", "sinh kế"], Mountain, true),
    t("trồng rừng gỗ lớn", &["lâm nghiệp", "sinh kế"], Any, true),
    t("trồng chuối tiêu hồng", &["trồng trọt", "sinh kế"], Mountain, true),
    t("trồng cây dược liệu dưới tán rừng", &["trồng trọt", "dược liệu"], Mountain, true),
    t("dệt zèng truyền thống", &["nghề truyền thống", "sinh kế"], Mountain, false),
    t("trồng rau an toàn", &["trồng trọt", "nông nghiệp sạch"], Lowland, true),
    t("trồng bưởi thanh trà", &["trồng trọt", "sinh kế"], Lowland, true),
    t("trồng lúa hữu cơ", &["trồng trọt", "hữu cơ"], Lowland, true),
    t("trồng sen kết hợp du lịch sinh thái", &["du lịch", "sinh kế"], Lowland, true),
    t("nuôi trồng thủy sản vùng đầm phá", &["thủy sản", "sinh kế"], Lowland, true),
    t("làm nón lá truyền thống", &["nghề truyền thống", "sinh kế"], Lowland, false),
    t("trang trại tổng hợp vườn – ao – chuồng", &["chăn nuôi", "trồng trọt"], Any, true),
    t("liên kết sản xuất, tiêu thụ nông sản", &["liên kết", "sinh kế"], Any, false),
];

const CULTURAL_SOCIAL: &[Template] = &[
    t("“Con đường hoa”", &["môi trường", "nông thôn mới"], Any, false),
    t("“Thắp sáng đường quê”", &["nông thôn mới"], Any, false),
    t("xây dựng nhà “Đại đoàn kết” cho hộ nghèo", &["an sinh xã hội", "giảm nghèo"], Any, true),
    t("“Tủ sách cộng đồng”", &["văn hóa", "học tập"], Any, false),
    t("phân loại rác thải tại nguồn", &["môi trường"], Any, false),
    t("“Khu dân cư không rác thải nhựa”", &["môi trường"], Any, false),
    t("“Heo đất tiết kiệm”", &["giảm nghèo", "phụ nữ"], Any, false),
    t("“Gia đình 5 không, 3 sạch”", &["phụ nữ", "gia đình"], Any, false),
    t("“Mẹ đỡ đầu” cho trẻ em mồ côi", &["an sinh xã hội", "trẻ em"], Any, false),
    t("“Áo ấm cho em”", &["an sinh xã hội", "trẻ em"], Any, false),
    t("hiến đất mở rộng đường giao thông nông thôn", &["nông thôn mới", "giao thông"], Any, true),
    t("“Dòng họ hiếu học”", &["học tập", "văn hóa"], Any, false),
    t("câu lạc bộ dân ca, dân vũ", &["văn hóa"], Any, false),
    t("“Ngày Chủ nhật xanh”", &["môi trường", "thanh niên"], Any, false),
    t("xây dựng gia đình văn hóa, khu dân cư văn hóa", &["văn hóa"], Any, false),
    t("“Bữa cơm có thịt” cho học sinh bán trú", &["trẻ em", "giáo dục"], Mountain, false),
    t("“Nước sạch cho bà con vùng cao”", &["nước sạch", "sức khỏe"], Mountain, false),
    t("giảm thiểu tảo hôn và hôn nhân cận huyết thống", &["dân tộc", "gia đình"], Mountain, false),
    t("bảo tồn nhà Gươl và lễ hội truyền thống", &["văn hóa", "dân tộc"], Mountain, false),
    t("giữ gìn vệ sinh môi trường bãi biển", &["môi trường", "du lịch"], Lowland, false),
];

const DEFENSE_SECURITY: &[Template] = &[
    t("“Camera an ninh”", &["an ninh trật tự", "chuyển đổi số"], Any, false),
    t("tổ tự quản an ninh trật tự", &["an ninh trật tự"], Any, false),
    t("“Khu dân cư an toàn về an ninh trật tự”", &["an ninh trật tự"], Any, false),
    t("tổ liên gia tự quản", &["an ninh trật tự"], Any, false),
    t("“Khu dân cư không có ma túy”", &["phòng chống ma túy"], Any, false),
    t("“Tiếng kẻng an ninh”", &["an ninh trật tự"], Any, false),
    t("tổ hòa giải ở cơ sở", &["hòa giải", "pháp luật"], Any, false),
    t("“Dân quân giúp dân”", &["quốc phòng"], Any, false),
    t("tổ bảo vệ rừng cộng đồng", &["bảo vệ rừng"], Mountain, false),
    t("tự quản đường biên, cột mốc", &["biên giới", "quốc phòng"], Mountain, false),
    t("tổ an ninh trật tự vùng đầm phá", &["an ninh trật tự"], Lowland, false),
];

const POLITICAL_SYSTEM: &[Template] = &[
    t("“Chi bộ 4 tốt”", &["xây dựng Đảng"], Any, false),
    t("“Đảng viên gương mẫu nơi cư trú”", &["xây dựng Đảng"], Any, false),
    t("“Ngày thứ Bảy cùng dân”", &["dân vận chính quyền"], Any, false),
    t("cán bộ, đảng viên bám cơ sở, giúp dân", &["xây dựng Đảng"], Any, false),
    t("đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với nhân dân", &["đối thoại", "dân chủ cơ sở"], Any, false),
    t("“Chính quyền thân thiện, vì nhân dân phục vụ”", &["dân vận chính quyền", "cải cách hành chính"], Any, false),
    t("hỗ trợ người dân làm thủ tục hành chính trực tuyến", &["chuyển đổi số", "cải cách hành chính"], Any, false),
    t("“Mỗi đảng viên giúp đỡ một hộ nghèo”", &["xây dựng Đảng", "giảm nghèo"], Any, false),
];

fn templates(field: Field) -> &'static [Template] {
    match field {
        Field::Economic => ECONOMIC,
        Field::CulturalSocial => CULTURAL_SOCIAL,
        Field::DefenseSecurity => DEFENSE_SECURITY,
        Field::PoliticalSystem => POLITICAL_SYSTEM,
    }
}

fn organizations(field: Field) -> &'static [(LeadOrganization, u32)] {
    use LeadOrganization::*;
    match field {
        Field::Economic => &[
            (FarmersAssociation, 45),
            (WomensUnion, 20),
            (VeteransAssociation, 12),
            (YouthUnion, 8),
            (FatherlandFront, 8),
            (LocalGovernment, 5),
            (Other, 2),
        ],
        Field::CulturalSocial => &[
            (FatherlandFront, 30),
            (WomensUnion, 25),
            (YouthUnion, 15),
            (LocalGovernment, 10),
            (FarmersAssociation, 8),
            (VeteransAssociation, 7),
            (PartyCell, 3),
            (Other, 2),
        ],
        Field::DefenseSecurity => &[
            (CommunePolice, 45),
            (MilitaryCommand, 25),
            (FatherlandFront, 10),
            (VeteransAssociation, 10),
            (YouthUnion, 10),
        ],
        Field::PoliticalSystem => &[(PartyCell, 50), (LocalGovernment, 30), (FatherlandFront, 20)],
    }
}

/// The unit of an organisation that leads a model in a village (or, for commune-level bodies, the commune).
fn org_unit(org: LeadOrganization) -> (&'static str, bool) {
    use LeadOrganization::*;
    match org {
        FatherlandFront => ("Ban công tác Mặt trận", true),
        FarmersAssociation => ("Chi hội Nông dân", true),
        WomensUnion => ("Chi hội Phụ nữ", true),
        YouthUnion => ("Chi đoàn Thanh niên", true),
        VeteransAssociation => ("Chi hội Cựu chiến binh", true),
        CommunePolice => ("Công an", false),
        MilitaryCommand => ("Ban Chỉ huy quân sự", false),
        LocalGovernment => ("Ủy ban nhân dân", false),
        PartyCell => ("Chi bộ", true),
        Other => ("Tổ tự quản", true),
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Trương", "Lý",
];
const FAMILY_ETHNIC: &[&str] = &["Hồ", "Kăn", "Blup", "Alăng", "A Viết", "Lê", "Nguyễn", "Hồ"];
const MIDDLE_MALE: &[&str] = &["Văn", "Đình", "Quang", "Hữu", "Minh", "Ngọc", "Văn"];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Lâm", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Tuấn", "Vinh", "Lực", "Thành",
];
const GIVEN_FEMALE: &[&str] = &[
    "Hoa", "Hương", "Lan", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Thu", "Xuân", "Yến", "Hằng", "Liên", "Diệu",
];

const EVALUATORS: &[&str] = &[
    "Tổ công tác Ban Dân vận Đảng ủy xã",
    "Đoàn khảo sát Ủy ban Mặt trận Tổ quốc",
    "Tổ giúp việc Ban Chỉ đạo “Dân vận khéo”",
];

fn rating_note(r: Rating) -> &'static str {
    match r {
        Rating::VeryEffective => "Mô hình hiệu quả rõ rệt, người dân đồng tình cao; đề nghị nhân rộng.",
        Rating::Effective => "Mô hình phát huy hiệu quả, sát với nhu cầu của người dân.",
        Rating::Limited => "Hiệu quả còn hạn chế; cần hỗ trợ thêm về vốn, kỹ thuật và cách làm.",
        Rating::NotEffective => "Mô hình chưa sát với thực tế người dân cần; đề nghị điều chỉnh hoặc dừng.",
    }
}

fn field_sentence(field: Field) -> &'static str {
    match field {
        Field::Economic => "Mô hình giúp các hộ tham gia tăng thu nhập, góp phần giảm nghèo bền vững.",
        Field::CulturalSocial => "Mô hình góp phần xây dựng nông thôn mới, đô thị văn minh, được nhân dân đồng tình hưởng ứng.",
        Field::DefenseSecurity => "Mô hình góp phần giữ vững an ninh chính trị, trật tự an toàn xã hội ở cơ sở.",
        Field::PoliticalSystem => {
            "Mô hình góp phần xây dựng Đảng, chính quyền trong sạch, vững mạnh, gắn bó mật thiết với nhân dân."
        }
    }
}

/// "Xã A Roàng" → "xã A Roàng"; "Thôn 3" → "thôn 3".
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Localities

/// One current commune with what the demo needs to know about it.
struct Place {
    code: u32,
    name: String,
    ward: bool,
    mountain: bool,
    /// Percent of its models in ethnic-minority areas.
    ethnic_percent: u64,
    /// Pre-2025 communes now part of it: (code, name).
    legacy: Vec<(u32, String)>,
}

#[derive(Deserialize)]
struct OldUnits {
    units: Vec<Unit>,
}

fn places() -> Vec<Place> {
    let l = Localities::builtin();
    let old: OldUnits =
        serde_json::from_str(include_str!("data/hue-localities-2025-01.json")).expect("shipped 2025-01 units are valid");
    l.current_communes()
        .map(|u| {
            let mountain = MOUNTAIN_COMMUNES.contains(&u.code);
            let legacy = old
                .units
                .iter()
                .filter(|o| o.level == Level::Commune)
                .filter(|o| {
                    let r = LocalityRef { code: Some(o.code), name: o.name.clone(), ..Default::default() };
                    l.place(&r) == Placement::Commune(u.code)
                })
                .map(|o| (o.code, o.name.clone()))
                .collect();
            Place {
                code: u.code,
                name: u.name.clone(),
                ward: u.name.starts_with("Phường"),
                mountain,
                ethnic_percent: if mountain {
                    85
                } else if u.code == FOOTHILL_COMMUNE {
                    30
                } else {
                    0
                },
                legacy,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// The generator

/// How many models of each field a registry of `n` models has, in the article's proportions (largest
/// remainder, so the counts add up to `n`; for 2,226 they are exactly the article's).
pub fn field_counts(n: usize) -> PerField<usize> {
    let mut out = ARTICLE_FIELD_COUNTS.map(|c| c * n / PROVINCE_TOTAL);
    let mut rest = n - out.total();
    let mut order: Vec<Field> = Field::ALL.to_vec();
    order.sort_by_key(|&f| std::cmp::Reverse((ARTICLE_FIELD_COUNTS[f] * n) % PROVINCE_TOTAL));
    for &f in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        out[f] += 1;
        rest -= 1;
    }
    out
}

fn day_ts(d: Date) -> Timestamp {
    Timestamp::parse(&format!("{d}T01:00:00Z")).expect("a formatted date is valid")
}

fn plus_seconds(t: Timestamp, s: u64) -> Timestamp {
    Timestamp::from_unix_millis(t.unix_millis() + s as i64 * 1000)
}

struct Gen<'a> {
    rng: Prng,
    now: Timestamp,
    today: Date,
    device: &'a str,
    places: Vec<Place>,
    seen: HashSet<(String, u32, String)>,
}

impl Gen<'_> {
    fn person(&mut self, ethnic: bool) -> (String, bool) {
        let male = self.rng.chance(65);
        let family = if ethnic { *self.rng.pick(FAMILY_ETHNIC) } else { *self.rng.pick(FAMILY) };
        let name = if male {
            format!("{family} {} {}", self.rng.pick(MIDDLE_MALE), self.rng.pick(GIVEN_MALE))
        } else {
            format!("{family} Thị {}", self.rng.pick(GIVEN_FEMALE))
        };
        (name, male)
    }

    fn start_date(&mut self) -> Date {
        let year = 2019 + self.rng.weighted(&[10, 12, 14, 16, 18, 18, 12]) as i32;
        let first = Date::from_ymd(year, 1, 1).expect("valid year");
        let d = first.add_days(self.rng.below(365) as i64);
        if d > self.today {
            // not in the future: somewhere in the last two years instead
            self.today.add_days(-(self.rng.below(730) as i64))
        } else {
            d
        }
    }

    /// 0–3 evaluations of a model started on `start`: the first at least a month after the start, each
    /// in its own stretch of the time since (so visits are spread out), none after today.
    fn evaluations(&mut self, start: Date, status: Status) -> Vec<Evaluation> {
        let first = start.add_days(30);
        if first > self.today {
            return Vec::new();
        }
        let span = first.days_until(self.today) + 1;
        let wanted = self.rng.weighted(&[25, 35, 25, 15]) as i64;
        // no more visits than one per quarter of the time available
        let n = wanted.min(1 + span / 90);
        let stretch = span / n.max(1);
        let mut out = Vec::new();
        for k in 0..n {
            let d = first.add_days(k * stretch + self.rng.below(stretch.max(1) as u64) as i64);
            let rating = if status == Status::Stopped {
                self.rng.choose(&[(Rating::VeryEffective, 5), (Rating::Effective, 20), (Rating::Limited, 45), (Rating::NotEffective, 30)])
            } else {
                self.rng.choose(&[(Rating::VeryEffective, 30), (Rating::Effective, 45), (Rating::Limited, 18), (Rating::NotEffective, 7)])
            };
            let good = rating.is_effective();
            let close = self.rng.chance(if good { 92 } else { 45 });
            let consensus = if good {
                self.rng.choose(&[(Consensus::High, 70), (Consensus::Medium, 27), (Consensus::Low, 3)])
            } else {
                self.rng.choose(&[(Consensus::High, 15), (Consensus::Medium, 50), (Consensus::Low, 35)])
            };
            let by = if self.rng.chance(20) {
                // the province became a centrally governed city in 2025: its Party committee is the Thành ủy
                if d.year() >= 2025 { "Đoàn công tác Ban Dân vận Thành ủy" } else { "Đoàn công tác Ban Dân vận Tỉnh ủy" }
            } else {
                *self.rng.pick(EVALUATORS)
            };
            out.push(Evaluation { recorded_at: None,
                id: self.rng.uuid(),
                date: d,
                by: by.into(),
                rating,
                close_to_needs: Some(close),
                consensus: Some(consensus),
                notes: rating_note(rating).into(),
                extra: Extra::new(),
            });
        }
        out
    }

    fn model(&mut self, field: Field) -> Model {
        let id = self.rng.uuid();
        // where
        let weights: Vec<u32> = self
            .places
            .iter()
            .map(|p| match (p.mountain, field) {
                (true, Field::Economic) => 30,
                (true, _) => 14,
                (false, _) => 10,
            })
            .collect();
        let pi = self.rng.weighted(&weights);
        let (code, mountain, ward, ethnic_percent) = {
            let p = &self.places[pi];
            (p.code, p.mountain, p.ward, p.ethnic_percent)
        };
        let ethnic = self.rng.chance(ethnic_percent);
        let org = self.rng.choose(organizations(field));
        let household = field == Field::Economic && self.rng.chance(60);

        // when and how it goes
        let status = self.rng.choose(&[(Status::Active, 72), (Status::Completed, 16), (Status::Stopped, 6), (Status::Planned, 6)]);
        let started_on = if status == Status::Planned {
            self.rng.chance(60).then(|| self.today.add_days(self.rng.range(7, 120) as i64))
        } else {
            Some(self.start_date())
        };

        // title, unique in its commune and village
        let mut attempt = 0;
        let (template_i, locality, lead, title) = loop {
            attempt += 1;
            let p = &self.places[pi];
            // records of models started before the reorganisation may name the unit of the time
            let legacy_ok = started_on.is_some_and(|d| d < reorganised_on()) && !p.legacy.is_empty();
            let (lcode, lname) = if legacy_ok && self.rng.chance(30) {
                self.rng.pick(&p.legacy).clone()
            } else {
                (p.code, p.name.clone())
            };
            let village = self.rng.chance(75).then(|| {
                if ward {
                    format!("Tổ dân phố {}", self.rng.range(1, 24))
                } else {
                    format!("Thôn {}", self.rng.range(1, 14))
                }
            });
            let list = templates(field);
            let fitting: Vec<usize> = (0..list.len())
                .filter(|&i| match list[i].terrain {
                    Any => true,
                    Mountain => mountain,
                    Lowland => !mountain,
                })
                .collect();
            let ti = *self.rng.pick(&fitting);
            let activity = list[ti].activity;
            let place_words = match &village {
                Some(v) => lower_first(v),
                None => lower_first(&lname),
            };
            let (lead, title) = if household {
                let (name, male) = self.person(ethnic);
                let title_name = format!("{} {name}", if male { "ông" } else { "bà" });
                (format!("Hộ {title_name}"), format!("Mô hình {activity} của hộ {title_name}"))
            } else {
                let (unit, in_village) = org_unit(org);
                let lead = if in_village {
                    format!("{unit} {place_words}")
                } else {
                    format!("{unit} {}", lower_first(&lname))
                };
                (lead, format!("Mô hình {activity} ở {place_words}"))
            };
            let title = if attempt > 8 { format!("{title} (giai đoạn {})", attempt - 7) } else { title };
            let key = (fold(&title), code, village.clone().unwrap_or_default());
            if self.seen.insert(key) {
                let locality = LocalityRef { code: Some(lcode), name: lname, village, extra: Extra::new() };
                break (ti, locality, lead, title);
            }
        };
        let template = &templates(field)[template_i];

        // people and contributions
        let (participants, households) = match (field, household) {
            (Field::Economic, true) => (self.rng.range(2, 20), self.rng.range(1, 12)),
            (Field::Economic, false) => (self.rng.range(10, 120), self.rng.range(5, 60)),
            (Field::CulturalSocial, _) => (self.rng.range(20, 1500), self.rng.range(10, 600)),
            (Field::DefenseSecurity, _) => (self.rng.range(10, 400), self.rng.range(20, 800)),
            (Field::PoliticalSystem, _) => (self.rng.range(10, 200), self.rng.range(10, 500)),
        };
        let money_millions = match field {
            Field::Economic => self.rng.range(10, 500),
            Field::CulturalSocial => self.rng.range(2, 300),
            Field::DefenseSecurity => self.rng.range(1, 100),
            Field::PoliticalSystem => self.rng.range(1, 30),
        };
        let contributions = Contributions {
            money_vnd: self.rng.chance(85).then_some(money_millions * 1_000_000),
            work_days: self.rng.chance(80).then(|| self.rng.range(10, 1500)),
            land_m2: (template.land && self.rng.chance(60)).then(|| self.rng.range(50, 20_000)),
            extra: Extra::new(),
        };

        // evaluations, after the start and not after today
        let evaluations = match started_on {
            Some(start) if status != Status::Planned => self.evaluations(start, status),
            _ => Vec::new(),
        };

        // recognition, from the start year to this year
        let recognition = match started_on {
            Some(s) if status != Status::Planned && s.year() <= self.today.year() && self.rng.chance(22) => {
                let level = self.rng.choose(&[
                    (RecognitionLevel::Commune, 60),
                    (RecognitionLevel::District, 30),
                    (RecognitionLevel::Province, 9),
                    (RecognitionLevel::National, 1),
                ]);
                let year = s.year() + self.rng.below((self.today.year() - s.year()) as u64 + 1) as i32;
                Some(Recognition { level, year: Some(year), extra: Extra::new() })
            }
            _ => None,
        };

        // milestones for some running models
        let mut milestones = Vec::new();
        if let Some(start) = started_on.filter(|_| matches!(status, Status::Active | Status::Planned)) {
            if self.rng.chance(12) {
                for (title, days) in [("Sơ kết 6 tháng thực hiện mô hình", 182), ("Tổng kết, đánh giá 1 năm thực hiện", 365)] {
                    let due = start.add_days(days);
                    // Officers close old milestones: only those due in the last 90 days may still be open.
                    let recent = due.days_until(self.today) <= 90;
                    let done_on = (due <= self.today && (self.rng.chance(75) || !recent)).then(|| {
                        let d = due.add_days(self.rng.range(0, 20) as i64 - 10);
                        d.clamp(start, self.today)
                    });
                    milestones.push(Milestone {
                        id: self.rng.uuid(),
                        title: title.into(),
                        due: Some(due),
                        done_on,
                        notes: String::new(),
                        extra: Extra::new(),
                    });
                }
            }
        }

        // tags
        let mut tag_list: Vec<String> = template.tags.iter().map(|s| s.to_string()).collect();
        if ethnic {
            tag_list.push("vùng DTTS".into());
        }
        tag_list.push(DEMO_TAG.into());

        let since = match started_on {
            Some(s) if s <= self.today => format!(" từ tháng {}/{}", s.month(), s.year()),
            _ => String::new(),
        };
        // Vietnamese text, so '.' groups the thousands ("1.250 người")
        let description = format!(
            "Do {lead} chủ trì thực hiện{since}, thu hút {} người tham gia, {} hộ được hưởng lợi. {} \
             (Dữ liệu mẫu để thử ứng dụng.)",
            grouped(participants, '.'),
            grouped(households, '.'),
            field_sentence(field)
        );

        // record times: created around the start, updated at the last change; never after now
        let created_day = started_on.filter(|s| *s <= self.today).unwrap_or(self.today.add_days(-(self.rng.below(20) as i64)));
        let created_at = plus_seconds(day_ts(created_day), self.rng.below(10 * 3600)).min(self.now);
        let last_change = evaluations
            .iter()
            .map(|e| e.date)
            .chain(milestones.iter().filter_map(|m| m.done_on))
            .max();
        let updated_at = match last_change {
            Some(d) => plus_seconds(day_ts(d), self.rng.below(10 * 3600)).clamp(created_at, self.now.max(created_at)),
            None => created_at,
        };

        Model {
            id,
            title,
            field,
            locality,
            lead,
            lead_organization: Some(org),
            ethnic_minority_area: ethnic,
            status: Some(status),
            started_on,
            participants: self.rng.chance(92).then_some(participants as u32),
            beneficiary_households: self.rng.chance(85).then_some(households as u32),
            contributions,
            description,
            tags: tag_list,
            recognition,
            evaluations,
            milestones,
            created_at,
            updated_at,
            updated_by: self.device.to_string(),
            deleted_at: None,
            extra: Extra::new(),
        }
    }
}

/// A registry of `n` generated models in the article's proportions by field (for benchmarks: 20,000), the
/// same for the same `seed`, `now` and `device`.
pub fn scaled_demo(n: usize, seed: u64, now: Timestamp, device: &str) -> Vec<Model> {
    let mut g = Gen {
        rng: Prng::new(seed),
        now,
        today: now.date(),
        device,
        places: places(),
        seen: HashSet::new(),
    };
    let mut fields: Vec<Field> = field_counts(n).into_iter().flat_map(|(f, c)| std::iter::repeat_n(f, c)).collect();
    // shuffle (Fisher–Yates) so the fields are mixed as in a real registry
    for i in (1..fields.len()).rev() {
        let j = g.rng.below(i as u64 + 1) as usize;
        fields.swap(i, j);
    }
    fields.into_iter().map(|f| g.model(f)).collect()
}

/// The province-scale demo: exactly 2,226 models, 190 economic, 1,807 cultural-social, 192
/// defence-security and 37 political-system, over the 40 current communes (mountain communes with
/// ethnic-minority areas), some recorded under their pre-2025 communes.
pub fn province_demo(seed: u64, now: Timestamp, device: &str) -> Vec<Model> {
    scaled_demo(PROVINCE_TOTAL, seed, now, device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_reproducible_and_spread() {
        let mut a = Prng::new(7);
        let mut b = Prng::new(7);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        let mut counts = [0u32; 4];
        for _ in 0..4000 {
            counts[a.below(4) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (900..1100).contains(&c)), "{counts:?}");
        let id = a.uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4", "version 4");
    }

    #[test]
    fn field_counts_keep_the_article_proportions() {
        assert_eq!(field_counts(PROVINCE_TOTAL), ARTICLE_FIELD_COUNTS);
        for n in [0, 1, 10, 1000, 20_000] {
            assert_eq!(field_counts(n).total(), n);
        }
        let big = field_counts(20_000);
        assert!((big[Field::CulturalSocial] as i64 - (1807 * 20_000 / 2226) as i64).abs() <= 1);
    }

    #[test]
    fn lower_first_lowercases_only_the_first_letter() {
        assert_eq!(lower_first("Xã A Roàng"), "xã A Roàng");
        assert_eq!(lower_first("Thôn 3"), "thôn 3");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn every_current_commune_is_a_place_and_old_ones_map_to_it() {
        let p = places();
        assert_eq!(p.len(), 40);
        let a4 = p.iter().find(|p| p.name == "Xã A Lưới 4").unwrap();
        assert!(a4.mountain && a4.ethnic_percent > 50);
        assert!(a4.legacy.iter().any(|(c, n)| *c == 20095 && n == "Xã A Roàng"));
        assert_eq!(p.iter().filter(|p| p.mountain).count(), 8);
    }
}
