//! The models the seed article names, with the locality names and GSO codes they had before the 2025
//! reorganisation: fixed ids and fixed times, so loading them twice gives the same records.

use crate::domain::model::{
    Consensus, Contributions, Evaluation, Extra, Field, LeadOrganization, LocalityRef, Milestone, Model, Rating,
    Recognition, RecognitionLevel, Status,
};
use crate::domain::time::{Date, Timestamp};

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
