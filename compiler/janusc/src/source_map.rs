//! The source map: every file of one run (sources, the manifest, embedded std modules) by
//! [`FileId`], with the name it is shown under and line/column lookup for byte offsets.

use std::path::PathBuf;

use janus_syntax::{FileId, Span};

/// Where a file's text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk (the path it was read from).
    Disk(PathBuf),
    /// A standard library module embedded in `janusc` (`time` for `std.time`).
    Std(String),
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown to the user: relative to the current directory, as they typed it.
    pub display: String,
    pub origin: Origin,
    pub text: String,
    /// Byte offset of the start of every line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Clamps a span's end to the text and to character boundaries, so that a bad span from
    /// any phase can never make rendering panic.
    pub fn clamp(&self, lo: usize, hi: usize) -> (usize, usize) {
        let floor = |mut i: usize| {
            i = i.min(self.text.len());
            while !self.text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let lo = floor(lo);
        (lo, floor(hi).max(lo))
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (offset, _) = self.clamp(offset, offset);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, display: String, origin: Origin, text: String) -> FileId {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            display,
            origin,
            text,
            line_starts,
        });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The file already loaded from this path, if any.
    pub fn find(&self, origin: &Origin) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.origin == *origin)
            .map(|i| FileId(i as u32))
    }

    /// The display name, 1-based line and column of a span's start.
    pub fn locate(&self, span: Span) -> Option<(&str, usize, usize)> {
        let f = self.get(span.file)?;
        let (line, col) = f.line_col(span.lo as usize);
        Some((&f.display, line, col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let mut map = SourceMap::new();
        let id = map.add(
            "a.jan".into(),
            Origin::Std("a".into()),
            "ab\né€x\n\nlast".into(),
        );
        let f = map.get(id).unwrap();
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(2), (1, 3));
        assert_eq!(f.line_col(3), (2, 1));
        // `x` comes after two multi-byte characters: byte 8, column 3.
        assert_eq!(f.line_col(8), (2, 3));
        assert_eq!(f.line_col(10), (3, 1));
        assert_eq!(f.line_col(11), (4, 1));
        assert_eq!(f.line_col(999), (4, 5));
        // Inside `é` (bytes 3..5): clamped down to its start.
        assert_eq!(f.line_col(4), (2, 1));
        assert_eq!(f.clamp(4, 2), (3, 3));
    }
}
