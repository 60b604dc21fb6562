//! The words of sync with the city's server (Settings › Đồng bộ), Vietnamese first, English second: a
//! catalogue of its own, read only by the sync chunk's code (`ui/sync_panel.rs`), so its texts can travel
//! with that chunk instead of the first load. Each failure in plain words, and the server's refusal codes
//! (`tools/couchdb-setup.mjs`'s `validate_doc_update`) as a reason an officer can act on.

use super::messages::messages;
use super::Lang;

messages! {
/// A text of the sync screen.
SyncMsg {
    Title => "Đồng bộ với máy chủ", "Sync with the server";
    Intro => "Không bắt buộc. Khi có mạng, máy này gửi và nhận sổ mô hình với máy chủ CouchDB của thành phố; không có mạng vẫn làm việc bình thường, tệp và mã QR vẫn dùng được.", "Optional. When there is a network, this device sends and receives the registry with the city's CouchDB server; without one everything works as before, and files and QR codes still do.";
    Url => "Địa chỉ cơ sở dữ liệu", "Database address";
    UrlEg => "VD: https://dvk.hue.gov.vn/couchdb/dvk-hue", "e.g. https://dvk.hue.gov.vn/couchdb/dvk-hue";
    UrlBad => "Địa chỉ phải bắt đầu bằng https:// (http:// khi thử trên máy) và kết thúc bằng tên cơ sở dữ liệu.", "The address must start with https:// (http:// for a local trial) and end with the database's name.";
    User => "Tài khoản", "Account";
    Password => "Mật khẩu", "Password";
    PasswordNote => "Mật khẩu chỉ dùng để đăng nhập, không lưu trên máy.", "The password is only used to sign in; it is not kept on this device.";
    SignIn => "Đăng nhập", "Sign in";
    SigningIn => "Đang đăng nhập…", "Signing in…";
    SignOut => "Đăng xuất", "Sign out";
    SignedInAs => "Đã đăng nhập: {0}, tại {1}", "Signed in as {0}, at {1}";
    SignedOut => "Chưa đăng nhập.", "Not signed in.";
    Now => "Đồng bộ ngay", "Sync now";
    Running => "Đang đồng bộ…", "Syncing…";
    FirstProgress => "Lần đồng bộ đầu: đã nhận {0} bản ghi", "First sync: {0} records received";
    Last => "Lần đồng bộ cuối: {0}", "Last sync: {0}";
    Never => "Chưa đồng bộ lần nào.", "Not synced yet.";
    Pending => "Chờ gửi: {0} bản ghi", "Waiting to be sent: {0} records";
    Done => "Đồng bộ xong lúc {0}.", "Synced at {0}.";
    Failed => "Lần thử lúc {0}: {1}", "Tried at {0}: {1}";
    CameIn => "Nhận về: {0} mới, {1} cập nhật, {2} xung đột đã giữ lại.", "Came in: {0} new, {1} updated, {2} conflicts kept.";
    Sent => "Đã gửi: {0}.", "Sent: {0}.";
    WentBack => "Máy chủ đã được khôi phục từ một bản sao cũ: máy này đã nhận lại toàn bộ và gửi lại những gì máy chủ thiếu.", "The server was restored from an older backup: this device received everything again and sent back what the server lacked.";
    Refused => "Máy chủ từ chối {0} bản ghi (vẫn giữ trên máy, đã đánh dấu):", "The server refused {0} records (kept on this device, marked):";
    SeeConflicts => "Xem các xung đột", "See the conflicts";
    // photos
    PhotosPending => "Ảnh chờ gửi: {0}", "Photos waiting to be sent: {0}";
    PhotosDone => "Ảnh: đã gửi {0}, đã nhận {1}.", "Photos: {0} sent, {1} received.";
    PhotosNotReceived => "{0} ảnh chưa tải về được (máy chụp chưa gửi lên, hoặc ảnh bị hỏng); sẽ thử lại lần sau.", "{0} photos could not come down (the device that took them has not sent them yet, or they are damaged); they will be tried again.";
    PhotosSkipped => "Ảnh sẽ được tải về khi mở xem (đang dùng mạng di động, hoặc đã tắt tải ảnh khi đồng bộ).", "Photos will come down when you open them (on mobile data, or downloading during sync is off).";
    PhotosFailed => "Ảnh chưa đồng bộ xong, các bản ghi thì đã xong: {0}", "The photos did not finish syncing (the records did): {0}";
    PhotosRefused => "Máy chủ từ chối {0} ảnh (vẫn giữ trên máy).", "The server refused {0} photos (kept on this device).";
    PhotosDownload => "Tải ảnh về khi đồng bộ (không tải khi dùng mạng di động)", "Download photos during sync (not on mobile data)";
    // failures, in plain words
    ErrOffline => "Máy đang không có mạng. Sẽ đồng bộ khi có mạng trở lại; dữ liệu vẫn an toàn trên máy.", "No network. Sync will run when the network is back; your data is safe on this device.";
    ErrWrongPassword => "Sai tài khoản hoặc mật khẩu.", "Wrong account or password.";
    ErrExpired => "Phiên đăng nhập đã hết hạn: hãy nhập lại mật khẩu. Không mất dữ liệu nào.", "The session has expired: enter the password again. Nothing is lost.";
    ErrUnreachable => "Không kết nối được máy chủ (sai địa chỉ, máy chủ đang tắt, hoặc máy chủ chưa cho phép ứng dụng này). Dữ liệu vẫn trên máy; hãy thử lại sau.", "The server cannot be reached (a wrong address, the server is down, or it does not allow this app). Your data stays on this device; try again later.";
    ErrFull => "Máy chủ đã hết chỗ lưu: hãy báo người quản trị. Những bản ghi chưa gửi vẫn giữ trên máy.", "The server is full: tell its administrator. Records not sent are kept on this device.";
    ErrNotMember => "Tài khoản này chưa được phép dùng cơ sở dữ liệu này: hãy hỏi người quản trị.", "This account may not use this database: ask the administrator.";
    ErrServer => "Máy chủ trả lời lỗi (mã {0}). Dữ liệu vẫn trên máy; hãy thử lại sau.", "The server answered with an error (code {0}). Your data stays on this device; try again later.";
    ErrNoDatabase => "Không có cơ sở dữ liệu ở địa chỉ này: hãy kiểm tra tên ở cuối địa chỉ.", "There is no database at this address: check the name at its end.";
    ErrProtocol => "Máy chủ trả lời không giống CouchDB: địa chỉ có đúng không?", "The server's answer is not CouchDB's: is the address right?";
    ErrStorageFull => "Bộ nhớ của máy này đã đầy: những gì nhận về chưa được lưu (trên máy chủ không mất gì). Hãy giải phóng bộ nhớ rồi đồng bộ lại.", "This device's storage is full: what came in is not saved (nothing is lost on the server). Free some space and sync again.";
    ErrStorage => "Không ghi được vào bộ nhớ của máy này (hoặc không sao lưu được trước khi nhận): chưa nhận gì.", "This device's storage cannot be written (or the backup before taking changes in failed): nothing taken in.";
    // why the server refused a record (the codes of _design/dvk)
    WhyNotOfficer => "tài khoản không có quyền cán bộ (dvk_officer)", "the account does not have the officer role (dvk_officer)";
    WhyBadId => "mã bản ghi không đúng dạng", "the record's id is malformed";
    WhyBadType => "loại bản ghi không đúng", "the record's type is wrong";
    WhyBadWriter => "người ghi không khớp với tài khoản", "the writer does not match the account";
    WhyBadTitle => "thiếu tên", "it has no title";
    WhyBadField => "lĩnh vực không hợp lệ", "its field is not valid";
    WhyBadLocality => "thiếu địa bàn", "it has no locality";
    WhyBadTime => "thời gian không đúng dạng", "a time is malformed";
    WhyBadPhoto => "ảnh không hợp lệ", "the photo is not valid";
    WhyPhotoImmutable => "ảnh đã có trên máy chủ thì không được sửa", "a photo on the server cannot be changed";
    WhyOther => "quy tắc của máy chủ: {0}", "the server's rules: {0}";
}}

/// The reason in words for a refusal `forbidden: "<code>: <detail>"` (the server's text when the code is
/// not one of ours).
pub fn refusal(lang: Lang, reason: &str) -> String {
    let code = reason.split(':').next().unwrap_or("").trim();
    let msg = match code {
        "not_officer" => SyncMsg::WhyNotOfficer,
        "bad_id" => SyncMsg::WhyBadId,
        "bad_type" => SyncMsg::WhyBadType,
        "bad_writer" => SyncMsg::WhyBadWriter,
        "bad_title" => SyncMsg::WhyBadTitle,
        "bad_field" => SyncMsg::WhyBadField,
        "bad_locality" => SyncMsg::WhyBadLocality,
        "bad_time" => SyncMsg::WhyBadTime,
        "bad_photo" => SyncMsg::WhyBadPhoto,
        "photo_immutable" => SyncMsg::WhyPhotoImmutable,
        _ => return super::tf(lang, SyncMsg::WhyOther, &[&reason]),
    };
    msg.text(lang).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sync_text_is_in_both_languages_with_the_same_placeholders() {
        crate::i18n::tests::check_catalogue(SyncMsg::ALL, true);
    }

    #[test]
    fn refusals_are_named_by_their_code_and_unknown_ones_keep_the_servers_words() {
        assert_eq!(refusal(Lang::Vi, "bad_field: field must be one of economic, …"), "lĩnh vực không hợp lệ");
        assert_eq!(refusal(Lang::En, "not_officer: only users with the role dvk_officer may write"), "the account does not have the officer role (dvk_officer)");
        assert_eq!(refusal(Lang::En, "too_big: 9 MB"), "the server's rules: too_big: 9 MB");
    }
}
