//! The generated data set: realistic-looking journal entries from a fixed
//! seed, identical for every store. No downloads: text is drawn from a word
//! list kept in this file.

use haven_core::Draft;

/// A word that appears in no generated sentence except where planted.
pub const PLANTED: &str = "zephyrine";

/// Planted in one entry in this many.
const PLANT_EVERY: usize = 100;

const WORDS: &[&str] = &[
    "today",
    "morning",
    "evening",
    "night",
    "slept",
    "badly",
    "well",
    "woke",
    "early",
    "late",
    "felt",
    "tired",
    "anxious",
    "calm",
    "heavy",
    "light",
    "walked",
    "park",
    "river",
    "rain",
    "sun",
    "cold",
    "warm",
    "coffee",
    "tea",
    "breakfast",
    "lunch",
    "dinner",
    "friend",
    "sister",
    "brother",
    "mother",
    "father",
    "work",
    "meeting",
    "email",
    "phone",
    "call",
    "doctor",
    "therapist",
    "appointment",
    "medication",
    "remembered",
    "forgot",
    "again",
    "better",
    "worse",
    "than",
    "yesterday",
    "week",
    "month",
    "because",
    "although",
    "maybe",
    "really",
    "quite",
    "little",
    "lot",
    "noticed",
    "thought",
    "about",
    "people",
    "crowd",
    "quiet",
    "noise",
    "music",
    "book",
    "read",
    "wrote",
    "cried",
    "laughed",
    "breathing",
    "exercise",
    "grounding",
    "plan",
    "safe",
    "place",
    "kitchen",
    "bedroom",
    "window",
    "bus",
    "train",
    "shop",
    "bought",
    "bread",
    "cooked",
    "cleaned",
    "room",
    "tidy",
    "mess",
    "small",
    "step",
    "proud",
    "scared",
    "angry",
    "sad",
    "hopeful",
    "grateful",
    "lonely",
    "together",
    "alone",
    "talked",
    "listened",
    "garden",
    "flowers",
    "dog",
    "cat",
    "fed",
    "hours",
    "minutes",
    "later",
    "still",
    "trying",
    "could",
    "should",
    "would",
    "not",
    "and",
    "the",
    "a",
    "to",
    "of",
    "in",
    "it",
    "was",
    "my",
    "me",
    "I",
    "with",
    "for",
    "on",
    "at",
    "but",
    "so",
    "then",
    "after",
    "before",
    "when",
    "while",
    "had",
];

const TAGS: &[&str] = &[
    "sleep",
    "work",
    "family",
    "friends",
    "anxiety",
    "low",
    "good day",
    "therapy",
    "meds",
    "exercise",
    "food",
    "weather",
    "gratitude",
    "crisis plan",
];

/// The fixed seed: every run, and every store, sees the same data.
pub const SEED: u64 = 0x4a56_454e_2005;

/// Generates entries deterministically from a seed.
pub struct Generator {
    rng: fastrand::Rng,
    produced: usize,
}

impl Generator {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            produced: 0,
        }
    }

    /// The next entry: 0.2-4 KiB of text in sentences, a mood four times in
    /// five, zero to three tags. Every hundredth entry carries [`PLANTED`].
    pub fn draft(&mut self) -> Draft {
        let target = self.rng.usize(200..=4096);
        let plant = self.produced % PLANT_EVERY == PLANT_EVERY / 2;
        let plant_at = self.rng.usize(0..target);
        self.produced += 1;
        let mut text = String::with_capacity(target + 32);
        let mut sentence_start = true;
        let mut planted = false;
        while text.len() < target {
            if plant && !planted && text.len() >= plant_at {
                planted = true;
                text.push_str(if sentence_start {
                    "Zephyrine "
                } else {
                    PLANTED
                });
                text.push(' ');
                sentence_start = false;
                continue;
            }
            let word = WORDS[self.rng.usize(0..WORDS.len())];
            if sentence_start {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
                sentence_start = false;
            } else {
                text.push_str(word);
            }
            if self.rng.u8(0..12) == 0 {
                text.push_str(".\n");
                sentence_start = true;
            } else if self.rng.u8(0..15) == 0 {
                text.push_str(", ");
            } else {
                text.push(' ');
            }
        }
        if plant && !planted {
            text.push(' ');
            text.push_str(PLANTED);
        }
        let mood = (self.rng.u8(0..5) != 0).then(|| i32::from(self.rng.u8(1..=10)));
        let tags = (0..self.rng.usize(0..=3))
            .map(|_| TAGS[self.rng.usize(0..TAGS.len())].to_string())
            .collect::<Vec<_>>();
        let mut unique: Vec<String> = Vec::with_capacity(tags.len());
        for t in tags {
            if !unique.contains(&t) {
                unique.push(t);
            }
        }
        Draft {
            text,
            mood,
            tags: unique,
        }
    }

    /// `n` entries.
    pub fn drafts(&mut self, n: usize) -> Vec<Draft> {
        (0..n).map(|_| self.draft()).collect()
    }
}

/// How many of `n` generated entries carry [`PLANTED`].
pub fn planted_count(n: usize) -> usize {
    (0..n)
        .filter(|i| i % PLANT_EVERY == PLANT_EVERY / 2)
        .count()
}

/// `k` distinct indices below `n`, in random order, from `seed`.
pub fn pick_distinct(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut all: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut all);
    all.truncate(k.min(n));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_in_range() {
        let a = Generator::new(1).drafts(300);
        let b = Generator::new(1).drafts(300);
        assert_eq!(a, b);
        for d in &a {
            assert!((200..=4200).contains(&d.text.len()));
        }
        let planted = a
            .iter()
            .filter(|d| d.text.to_lowercase().contains(PLANTED))
            .count();
        assert_eq!(planted, planted_count(300));
    }
}
