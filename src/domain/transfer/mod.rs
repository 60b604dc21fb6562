//! Chuyển máy sang máy: records passed from one phone to another through animated QR codes (SPEC §2
//! capability 12, §4). The payload is an exchange file (the same format as a file, photos' data left out
//! by the caller), deflated, then fountain-coded (the `ur` crate's Luby-transform code: after the plain
//! fragments, each frame is a mix of a few, so any frames, in any order, rebuild the payload once a few
//! more than the fragment count have been read; a missed frame costs one frame time).
//!
//! A frame is the text `DVK1:` followed by base45 (`base45.rs`, the QR code's compact alphanumeric mode) of
//! `[transfer id: 4 bytes][fountain part: CBOR of sequence, fragment count, payload length, CRC-32, data]`.
//! The prefix names the app and the frame format; the transfer id tells two transfers apart (the CRC-32
//! inside the part as well). `Receiver` takes frame texts as a camera reads them: a code of another app is
//! `Foreign`, a frame of another transfer than the one begun is `OtherTransfer` (never mixed in), and the
//! bytes come out only when complete and checked. `qr.rs` draws a frame as an SVG image.

pub mod base45;
pub mod qr;

use std::collections::HashSet;

use std::io::{Read, Write};

use ur::fountain;

use super::exchange::MAX_FILE_BYTES;

/// Raw DEFLATE at the best level (flate2 with zlib-rs, as the stored form uses).
fn deflate(content: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(content).expect("deflate into memory");
    e.finish().expect("deflate into memory")
}

/// Raw DEFLATE inflated, refused when it is damaged or would pass `limit` bytes.
fn inflate(payload: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(payload).take(limit as u64 + 1).read_to_end(&mut out).ok()?;
    (out.len() <= limit).then_some(out)
}

/// What every frame of this app begins with: the app and the frame format's version.
pub const PREFIX: &str = "DVK1:";
/// Payload bytes a frame carries. With its header a frame is about 370 characters, a version 10 QR code
/// (57 modules a side): about 5 screen pixels a module on a phone, read by a mid-range camera at arm's
/// length.
pub const FRAGMENT_BYTES: usize = 220;
/// Frames shown a second (the receiving camera reads 10-30 pictures a second; each frame is seen a few
/// times).
pub const FRAMES_PER_SECOND: u32 = 5;
/// The most fragments a transfer may have (a payload of about 4.4 MB compressed): more is refused on
/// both sides.
pub const MAX_FRAGMENTS: usize = 20_000;

/// Why a transfer cannot be made or its bytes used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// Nothing to send.
    Empty,
    /// More than `MAX_FRAGMENTS` frames.
    TooLarge,
    /// The frames rebuilt bytes that fail their checksum or do not inflate (never expected from this
    /// app's frames).
    Damaged,
}

/// A transfer being sent: its frames, one after another, for ever.
pub struct Sender {
    id: u32,
    encoder: fountain::Encoder,
    payload_len: usize,
    content_len: usize,
    shown: usize,
}

impl Sender {
    /// A transfer of `content` (an exchange file's bytes) named `id` (random: it tells this transfer from
    /// any other the receiver might also see).
    pub fn new(content: &[u8], id: u32) -> Result<Sender, TransferError> {
        if content.is_empty() {
            return Err(TransferError::Empty);
        }
        let payload = deflate(content);
        if payload.len().div_ceil(FRAGMENT_BYTES) > MAX_FRAGMENTS {
            return Err(TransferError::TooLarge);
        }
        let encoder = fountain::Encoder::new(&payload, FRAGMENT_BYTES).map_err(|_| TransferError::Empty)?;
        Ok(Sender { id, encoder, payload_len: payload.len(), content_len: content.len(), shown: 0 })
    }

    pub fn id(&self) -> u32 {
        self.id
    }

    /// The bytes carried (compressed).
    pub fn payload_len(&self) -> usize {
        self.payload_len
    }

    /// The exchange file's size before compression.
    pub fn content_len(&self) -> usize {
        self.content_len
    }

    /// Fragments the payload is cut into: at least this many frames must be read.
    pub fn fragment_count(&self) -> usize {
        self.encoder.fragment_count()
    }

    /// Frames a receiver typically needs to see shown (`expected_frames`).
    pub fn expected_frames(&self) -> usize {
        expected_frames(self.fragment_count())
    }

    /// Seconds the transfer should take at `FRAMES_PER_SECOND`.
    pub fn estimated_seconds(&self) -> u32 {
        (self.expected_frames() as u32).div_ceil(FRAMES_PER_SECOND)
    }

    /// Frames shown so far.
    pub fn shown(&self) -> usize {
        self.shown
    }

    /// The next frame's text.
    pub fn next_frame(&mut self) -> String {
        self.shown += 1;
        let part = self.encoder.next_part();
        let mut bytes = self.id.to_be_bytes().to_vec();
        // Writing to a Vec cannot fail.
        bytes.extend(minicbor::to_vec(&part).unwrap_or_default());
        let mut text = String::from(PREFIX);
        text.push_str(&base45::encode(&bytes));
        text
    }
}

/// Frames a receiver typically needs to see shown for a payload of `fragments` fragments. A camera that
/// reads every frame needs exactly the fragment count (the first loop shows each plain fragment once);
/// each frame missed costs more than one, as `ur`'s decoder solves mixed frames by peeling: with 3 frames
/// in 10 missed, it needed 1.5 times the fragment count read (2.1 at worst) in 20 trials of 10 to 120
/// fragments, that is about twice the fragment count shown. Half again as many as the fragments is the
/// estimate for a camera that misses a few.
pub fn expected_frames(fragments: usize) -> usize {
    fragments + fragments.div_ceil(2) + 2
}

/// What a frame read by the camera was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// A frame of this transfer that was not read before.
    New,
    /// A frame read before (the loop came round, or the camera saw it twice).
    Repeat,
    /// A QR code of something else (another app, a web address).
    Foreign,
    /// Begins like this app's frames but cannot be read (damaged, or a newer frame format).
    Unreadable,
    /// A frame of another transfer than the one begun: set aside, never mixed in.
    OtherTransfer,
}

/// How far a transfer being received is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Frames of this transfer read (new ones).
    pub frames: usize,
    /// Fragments rebuilt, of `total` (0 before the first frame).
    pub resolved: usize,
    pub total: usize,
}

impl Progress {
    /// Whole percent of the fragments rebuilt (100 only when complete).
    pub fn percent(&self) -> u32 {
        if self.total == 0 {
            0
        } else {
            (self.resolved * 100 / self.total) as u32
        }
    }
}

/// A frame's parts, checked.
struct Parsed {
    id: u32,
    sequence: u32,
    count: u32,
    length: u32,
    fragment: usize,
    part: fountain::Part,
}

fn parse(text: &str) -> Result<Parsed, Frame> {
    let body = text.strip_prefix(PREFIX).ok_or(Frame::Foreign)?;
    let bytes = base45::decode(body).ok_or(Frame::Unreadable)?;
    if bytes.len() < 5 {
        return Err(Frame::Unreadable);
    }
    let id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let cbor = &bytes[4..];
    // The part's numbers, read before the fountain decoder sees them (it trusts them).
    let header = (|| {
        let mut d = minicbor::Decoder::new(cbor);
        if d.array().ok()? != Some(5) {
            return None;
        }
        let (sequence, count, length, _crc) = (d.u32().ok()?, d.u32().ok()?, d.u32().ok()?, d.u32().ok()?);
        let fragment = d.bytes().ok()?.len();
        Some((sequence, count, length, fragment))
    })();
    let (sequence, count, length, fragment) = header.ok_or(Frame::Unreadable)?;
    let sane = sequence >= 1
        && count >= 1
        && count as usize <= MAX_FRAGMENTS
        && fragment >= 1
        && length >= 1
        && (length as usize) <= fragment * count as usize
        && (length as usize) > fragment * (count as usize - 1);
    if !sane {
        return Err(Frame::Unreadable);
    }
    let part: fountain::Part = minicbor::decode(cbor).map_err(|_| Frame::Unreadable)?;
    Ok(Parsed { id, sequence, count, length, fragment, part })
}

/// A transfer being received, frame by frame, as the camera reads them.
#[derive(Default)]
pub struct Receiver {
    /// The transfer begun: its id and shape (fragment count, payload length, fragment length).
    current: Option<(u32, u32, u32, usize)>,
    decoder: fountain::Decoder,
    seen: HashSet<u32>,
    progress: Progress,
    /// Frames of other transfers set aside, and the last such transfer.
    other_frames: usize,
    foreign_frames: usize,
}

impl Receiver {
    pub fn new() -> Receiver {
        Receiver::default()
    }

    /// Takes a frame's text (a QR code's content).
    pub fn accept(&mut self, text: &str) -> Frame {
        let p = match parse(text) {
            Ok(p) => p,
            Err(kind) => {
                self.foreign_frames += 1;
                return kind;
            }
        };
        let shape = (p.id, p.count, p.length, p.fragment);
        match self.current {
            None => self.current = Some(shape),
            Some(current) if current != shape => {
                self.other_frames += 1;
                return Frame::OtherTransfer;
            }
            Some(_) => {}
        }
        if self.complete() || !self.seen.insert(p.sequence) {
            return Frame::Repeat;
        }
        match self.decoder.receive(p.part) {
            Ok(_) => {
                self.progress = Progress {
                    frames: self.progress.frames + 1,
                    resolved: self.decoder.resolved_fragment_count().unwrap_or(0),
                    total: p.count as usize,
                };
                Frame::New
            }
            // A part that disagrees with the ones before, though its id and shape are the same: a
            // different transfer after all (ids are random, so this is all but impossible).
            Err(_) => {
                self.other_frames += 1;
                Frame::OtherTransfer
            }
        }
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Every fragment has been rebuilt.
    pub fn complete(&self) -> bool {
        self.decoder.complete()
    }

    /// The transfer begun (its id), if any frame of this app was read.
    pub fn transfer_id(&self) -> Option<u32> {
        self.current.map(|c| c.0)
    }

    /// Frames of other transfers set aside.
    pub fn other_frames(&self) -> usize {
        self.other_frames
    }

    /// QR codes that were not this app's frames (or could not be read).
    pub fn foreign_frames(&self) -> usize {
        self.foreign_frames
    }

    /// The bytes sent (the exchange file), once complete: checked against the CRC-32 the frames carry and
    /// inflated (at most `MAX_FILE_BYTES`). `None` while incomplete.
    pub fn content(&self) -> Option<Result<Vec<u8>, TransferError>> {
        if !self.complete() {
            return None;
        }
        Some(match self.decoder.message() {
            Ok(Some(payload)) => inflate(&payload, MAX_FILE_BYTES).ok_or(TransferError::Damaged),
            _ => Err(TransferError::Damaged),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic shuffle and drop (SplitMix64), so a failing case repeats.
    struct Mix(u64);
    impl Mix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn shuffle<T>(&mut self, v: &mut [T]) {
            for i in (1..v.len()).rev() {
                v.swap(i, (self.next() % (i as u64 + 1)) as usize);
            }
        }
    }

    fn content(n: usize) -> Vec<u8> {
        // Text that does not compress to nothing: numbered lines with a varying word.
        let mut m = Mix(7);
        (0..n).map(|i| format!("{{\"line\":{i},\"w\":\"{:x}\"}}\n", m.next())).collect::<String>().into_bytes()
    }

    #[test]
    fn frames_are_alphanumeric_text_of_the_expected_size() {
        let mut s = Sender::new(&content(400), 1).unwrap();
        assert!(s.fragment_count() > 5, "{} fragments", s.fragment_count());
        for _ in 0..s.fragment_count() + 3 {
            let f = s.next_frame();
            assert!(f.starts_with(PREFIX));
            assert!(f.bytes().all(|c| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&c)), "{f}");
            assert!(f.len() <= 395, "fits a version 10 code at low correction: {}", f.len());
        }
        assert_eq!(s.shown(), s.fragment_count() + 3);
        assert_eq!(s.estimated_seconds(), (s.expected_frames() as u32).div_ceil(FRAMES_PER_SECOND));
    }

    #[test]
    fn thirty_percent_of_the_frames_lost_and_the_rest_shuffled_still_rebuild_the_bytes() {
        let bytes = content(1500);
        let mut s = Sender::new(&bytes, 0xABCD_0001).unwrap();
        let n = s.fragment_count();
        // Four times the fragment count, 30% dropped: 2.8×, more than the peeling decoder needs at worst.
        let mut frames: Vec<String> = (0..4 * n).map(|_| s.next_frame()).collect();
        let mut mix = Mix(42);
        mix.shuffle(&mut frames);
        frames.truncate(frames.len() * 7 / 10);
        let mut r = Receiver::new();
        for f in &frames {
            assert_ne!(r.accept(f), Frame::Foreign);
            if r.complete() {
                break;
            }
        }
        assert!(r.complete(), "{:?} of {} frames", r.progress(), frames.len());
        assert_eq!(r.progress().percent(), 100);
        assert_eq!(r.content().unwrap().unwrap(), bytes);
        assert_eq!(r.transfer_id(), Some(0xABCD_0001));
    }

    #[test]
    fn the_plain_fragments_missing_are_made_up_by_mixed_frames() {
        let bytes = content(600);
        let mut s = Sender::new(&bytes, 3).unwrap();
        let n = s.fragment_count();
        let frames: Vec<String> = (0..4 * n).map(|_| s.next_frame()).collect();
        let mut r = Receiver::new();
        // None of the first loop's plain fragments: only mixed frames.
        for f in &frames[n..] {
            r.accept(f);
            if r.complete() {
                break;
            }
        }
        assert_eq!(r.content().unwrap().unwrap(), bytes);
    }

    #[test]
    fn progress_counts_new_frames_and_repeats_change_nothing() {
        let mut s = Sender::new(&content(300), 9).unwrap();
        let n = s.fragment_count();
        let first = s.next_frame();
        let mut r = Receiver::new();
        assert_eq!(r.progress(), Progress::default());
        assert_eq!(r.progress().percent(), 0);
        assert_eq!(r.accept(&first), Frame::New);
        assert_eq!(r.accept(&first), Frame::Repeat);
        assert_eq!(r.progress(), Progress { frames: 1, resolved: 1, total: n });
        assert!(r.content().is_none(), "nothing before it is complete");
        assert_eq!(r.progress().percent(), (100 / n) as u32);
    }

    #[test]
    fn frames_of_two_transfers_mixed_are_told_apart() {
        let (a, b) = (content(500), content(520));
        let mut sa = Sender::new(&a, 1111).unwrap();
        let mut sb = Sender::new(&b, 2222).unwrap();
        let mut r = Receiver::new();
        let mut others = 0;
        for _ in 0..3 * sa.fragment_count() {
            assert_ne!(r.accept(&sa.next_frame()), Frame::OtherTransfer);
            if r.accept(&sb.next_frame()) == Frame::OtherTransfer {
                others += 1;
            }
            if r.complete() {
                break;
            }
        }
        assert!(others > 0);
        assert_eq!(r.other_frames(), others);
        assert_eq!(r.content().unwrap().unwrap(), a, "only the transfer begun, nothing of the other");

        // The same content sent twice is still two transfers (the ids differ).
        let mut s1 = Sender::new(&a, 5).unwrap();
        let mut s2 = Sender::new(&a, 6).unwrap();
        let mut r = Receiver::new();
        assert_eq!(r.accept(&s1.next_frame()), Frame::New);
        assert_eq!(r.accept(&s2.next_frame()), Frame::OtherTransfer);
    }

    #[test]
    fn foreign_and_damaged_codes_are_refused_and_change_nothing() {
        let mut r = Receiver::new();
        for text in ["https://zalo.me/g/abcdef", "WIFI:S:Nha van hoa;T:WPA;P:12345678;;", "", "ur:bytes/1-3/lpadaxcs", "DVK1"] {
            assert_eq!(r.accept(text), Frame::Foreign, "{text}");
        }
        let mut s = Sender::new(&content(300), 77).unwrap();
        let good = s.next_frame();
        for text in [
            "DVK1:not base45 at all",
            "DVK1:",
            "DVK1:BB8",
            &good[..good.len() - 3],
            &format!("DVK1:{}", base45::encode(&[0, 0, 0, 1, 0x85, 0, 1, 1, 1, 0x41, 0])), // sequence 0
            &format!("DVK1:{}", base45::encode(&[0, 0, 0, 1, 0x85, 1, 2, 0x19, 0x10, 0, 0, 0x41, 0])), // length > 2 × 1
        ] {
            assert_eq!(r.accept(text), Frame::Unreadable, "{text}");
        }
        assert_eq!(r.progress(), Progress::default());
        assert_eq!(r.transfer_id(), None, "nothing begun");
        assert_eq!(r.foreign_frames(), 11);
        assert_eq!(r.accept(&good), Frame::New);
    }

    #[test]
    fn a_transfer_too_large_or_empty_is_refused_before_any_frame() {
        assert!(matches!(Sender::new(b"", 1), Err(TransferError::Empty)));
        // Random bytes do not compress: over MAX_FRAGMENTS fragments.
        let mut m = Mix(1);
        let noise: Vec<u8> = (0..FRAGMENT_BYTES * MAX_FRAGMENTS + 1000).map(|_| m.next() as u8).collect();
        assert!(matches!(Sender::new(&noise, 1), Err(TransferError::TooLarge)));
    }

    #[test]
    fn rebuilt_bytes_that_do_not_inflate_are_damaged() {
        // A fountain transfer of bytes that are not deflate, framed by hand as this app would.
        let mut enc = fountain::Encoder::new(b"\xff\xfe not deflate", FRAGMENT_BYTES).unwrap();
        let mut bytes = 5u32.to_be_bytes().to_vec();
        bytes.extend(minicbor::to_vec(enc.next_part()).unwrap());
        let mut r = Receiver::new();
        assert_eq!(r.accept(&format!("{PREFIX}{}", base45::encode(&bytes))), Frame::New);
        assert!(r.complete());
        assert_eq!(r.content(), Some(Err(TransferError::Damaged)));
    }
}
