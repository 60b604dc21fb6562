//! The generator: a registry of any size in the article's proportions by field, each model placed in a
//! commune, titled without duplicates in its village, with people, contributions, evaluations,
//! recognition, milestones and record times that agree with each other and never lie after "now".

use std::collections::HashSet;

use super::places::{places, Place};
use super::prng::Prng;
use super::words::{
    field_sentence, lower_first, org_unit, organizations, rating_note, templates, Terrain::{Any, Lowland, Mountain},
    EVALUATORS, FAMILY, FAMILY_ETHNIC, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_MALE,
};
use super::{ARTICLE_FIELD_COUNTS, DEMO_TAG, PROVINCE_TOTAL};
use crate::domain::fold::fold;
use crate::domain::model::{
    Consensus, Contributions, Evaluation, Extra, Field, LocalityRef, Milestone, Model, PerField, Rating, Recognition,
    RecognitionLevel, Status,
};
use crate::domain::time::{Date, Timestamp};
use crate::format::grouped;

/// The day the two-level structure took effect.
fn reorganised_on() -> Date {
    Date::from_ymd(2025, 7, 1).expect("a valid date")
}


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
    fn field_counts_keep_the_article_proportions() {
        assert_eq!(field_counts(PROVINCE_TOTAL), ARTICLE_FIELD_COUNTS);
        for n in [0, 1, 10, 1000, 20_000] {
            assert_eq!(field_counts(n).total(), n);
        }
        let big = field_counts(20_000);
        assert!((big[Field::CulturalSocial] as i64 - (1807 * 20_000 / 2226) as i64).abs() <= 1);
    }
}
