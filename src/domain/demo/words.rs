//! Từ ngữ: the Vietnamese words demo records are written with — the kinds of model per field (activity,
//! tags, terrain, whether it mobilises land), the organisations that lead them and their weights, people's
//! names, evaluators, and the sentences of notes and descriptions.

use crate::domain::model::{Field, LeadOrganization, Rating};

/// Where an activity happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Terrain {
    Any,
    Mountain,
    Lowland,
}

/// One kind of model: the words of its title, its tags and whether it mobilises land.
pub(super) struct Template {
    pub(super) activity: &'static str,
    pub(super) tags: &'static [&'static str],
    pub(super) terrain: Terrain,
    pub(super) land: bool,
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

pub(super) fn templates(field: Field) -> &'static [Template] {
    match field {
        Field::Economic => ECONOMIC,
        Field::CulturalSocial => CULTURAL_SOCIAL,
        Field::DefenseSecurity => DEFENSE_SECURITY,
        Field::PoliticalSystem => POLITICAL_SYSTEM,
    }
}

pub(super) fn organizations(field: Field) -> &'static [(LeadOrganization, u32)] {
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
pub(super) fn org_unit(org: LeadOrganization) -> (&'static str, bool) {
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

pub(super) const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Trương", "Lý",
];
pub(super) const FAMILY_ETHNIC: &[&str] = &["Hồ", "Kăn", "Blup", "Alăng", "A Viết", "Lê", "Nguyễn", "Hồ"];
pub(super) const MIDDLE_MALE: &[&str] = &["Văn", "Đình", "Quang", "Hữu", "Minh", "Ngọc", "Văn"];
pub(super) const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Lâm", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Tuấn", "Vinh", "Lực", "Thành",
];
pub(super) const GIVEN_FEMALE: &[&str] = &[
    "Hoa", "Hương", "Lan", "Mai", "Ngân", "Nhung", "Phương", "Thảo", "Thu", "Xuân", "Yến", "Hằng", "Liên", "Diệu",
];

pub(super) const EVALUATORS: &[&str] = &[
    "Tổ công tác Ban Dân vận Đảng ủy xã",
    "Đoàn khảo sát Ủy ban Mặt trận Tổ quốc",
    "Tổ giúp việc Ban Chỉ đạo “Dân vận khéo”",
];

pub(super) fn rating_note(r: Rating) -> &'static str {
    match r {
        Rating::VeryEffective => "Mô hình hiệu quả rõ rệt, người dân đồng tình cao; đề nghị nhân rộng.",
        Rating::Effective => "Mô hình phát huy hiệu quả, sát với nhu cầu của người dân.",
        Rating::Limited => "Hiệu quả còn hạn chế; cần hỗ trợ thêm về vốn, kỹ thuật và cách làm.",
        Rating::NotEffective => "Mô hình chưa sát với thực tế người dân cần; đề nghị điều chỉnh hoặc dừng.",
    }
}

pub(super) fn field_sentence(field: Field) -> &'static str {
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
pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_first_lowercases_only_the_first_letter() {
        assert_eq!(lower_first("Xã A Roàng"), "xã A Roàng");
        assert_eq!(lower_first("Thôn 3"), "thôn 3");
        assert_eq!(lower_first(""), "");
    }
}
