"""Rules applied to one file's bytes: prefilter, regex confirmation, checks, findings.

Flow per file: one prefilter pass over the bytes tells which rules (by keyword) and which format
derivers (by trigger) can apply; a file with none of them costs nothing more. Otherwise the bytes
are decoded once, each candidate rule's pattern runs in windows around its keywords in the text
and in derived segments (only the lines a match can reach, see :mod:`scanner.match.reach`), and
every match goes through ``min_entropy``, the rule's validator, the false-positive filters and
inline ``stowaway:ignore`` before becoming a :class:`Finding`. Overlapping matches of several
rules on one span keep the most specific.
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import regex

from scanner import filters, redact, validators
from scanner.entropy import shannon_entropy
from scanner.fingerprint import Fingerprinter
from scanner.formats import DERIVERS, Deriver, Document, Segment, context_key, decode, transform
from scanner.formats.base import UTF16_BOMS
from scanner.match.prefilter import LiteralSet, build_literal_set
from scanner.match.reach import char_reach, line_reach
from scanner.model import Confidence, Finding, Rule
from scanner.rules import RulePack, compiled
from scanner.rules.common_words import common_sample

INLINE_IGNORE = "stowaway:ignore"
GENERIC_FAMILIES = frozenset({"generic", "urls", "url"})
GENERIC_TAGS = frozenset({"generic", "url"})
# A rule's pattern runs only in windows around its keywords: the keyword's line ± the lines one
# match can span (scanner.match.reach), or for unbounded patterns whole lines within these many
# characters (blocks such as PEM keys that span many lines get a long window after the keyword).
WINDOW_BEFORE = 1024
WINDOW_AFTER = 2048
WINDOW_AFTER_BLOCK = 24 * 1024
BLOCK_HINTS = ("[\\s\\S]", "(?s", "\\n", "[\\S\\s]", "(?is", "(?si")
UTF8_CONTINUATION = bytes(range(0x80, 0xC0))
CALIBRATION_CHARS = 32 * 1024
# Above this size a text is always searched for keywords first: a pattern measured as quick on
# ordinary text can be slow on some (base64 in a lockfile), and windows bound that cost.
QUICK_PASS_MAX = 256 * 1024
CONFIDENCE_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


@dataclass(frozen=True, slots=True)
class Hit:
    """A finding with its plaintext, internal to the engine (never stored or logged)."""

    finding: Finding
    secret: str
    score: tuple[int, int, int, int, int, int]

    def __repr__(self) -> str:  # the secret never appears in a repr
        return f"Hit({self.finding.rule_id} at {self.finding.location})"


@dataclass(frozen=True, slots=True)
class Rejected:
    """Where a structured rule matched but its validator refused the value (bad checksum)."""

    byte_start: int
    byte_end: int


class Matcher:
    """Compiled rules + prefilter; thread-safe, reusable."""

    def __init__(
        self,
        rules: RulePack,
        fingerprinter: Fingerprinter,
        *,
        use_hyperscan: bool | None = None,
        include_informational: bool = True,
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.fingerprint = fingerprinter
        self.include_informational = include_informational
        # Compiled and analysed on first use: most rules never meet a file holding their keywords.
        self._patterns: list[regex.Pattern[str] | None] = [None] * len(self.rules)
        self._extent: list[tuple[int | None, int, int] | None] = [None] * len(self.rules)
        self._cost: list[float | None] = [None] * len(self.rules)  # ns per character of text
        literals: list[bytes] = []
        index: dict[bytes, int] = {}
        self._literal_rules: list[list[int]] = []
        self._literal_derivers: list[list[int]] = []

        def literal_id(lit: bytes) -> int:
            if lit not in index:
                index[lit] = len(literals)
                literals.append(lit)
                self._literal_rules.append([])
                self._literal_derivers.append([])
            return index[lit]

        self._keywords: list[tuple[str, ...]] = [
            tuple(sorted({k.lower() for k in rule.keywords if k})) for rule in self.rules
        ]
        self._always: list[int] = []
        for i, rule in enumerate(self.rules):
            keywords = [k.lower().encode("utf-8") for k in rule.keywords if k]
            if not keywords:
                self._always.append(i)
            for kw in keywords:
                self._literal_rules[literal_id(kw)].append(i)
        for d, deriver in enumerate(DERIVERS):
            for trigger in deriver.triggers:
                self._literal_derivers[literal_id(trigger.lower())].append(d)
        self.literals: LiteralSet = build_literal_set(literals, use_hyperscan)
        self._literal_text = [lit.decode("utf-8", "surrogateescape") for lit in literals]

    def _compile(self, i: int) -> regex.Pattern[str]:
        pattern = self._patterns[i] = compiled(self.rules[i].pattern)
        return pattern

    def _calibrate(self, i: int) -> float:
        """Nanoseconds rule ``i``'s pattern takes per character of ordinary text."""
        pattern = self._patterns[i] or self._compile(i)
        sample = _calibration_text()
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            for _match in pattern.finditer(sample):
                pass
            best = min(best, time.perf_counter() - started)
        cost = self._cost[i] = max(best * 1e9 / len(sample), 0.05)
        return cost

    def _measure(self, i: int) -> tuple[int | None, int, int]:
        """Lines a match of rule ``i`` can span, else characters before/after its keyword."""
        pattern = self.rules[i].pattern
        width = char_reach(pattern)
        if width is not None:
            before, after = width, width
        elif any(h in pattern for h in BLOCK_HINTS):
            before, after = WINDOW_BEFORE, WINDOW_AFTER_BLOCK
        else:
            before, after = WINDOW_BEFORE, WINDOW_AFTER
        extent = self._extent[i] = (line_reach(pattern), before, after)
        return extent

    @property
    def backend(self) -> str:
        return self.literals.name

    def _candidates(self, data: bytes) -> tuple[list[int], set[int], dict[str, list[int]]]:
        """Rules and derivers whose keywords/triggers occur in ``data``, and where each of those
        keywords ends (byte offsets)."""
        occurrences = self.literals.occurrences(data)
        rules: set[int] = set(self._always)
        derivers: set[int] = set()
        for lit in occurrences:
            rules.update(self._literal_rules[lit])
            derivers.update(self._literal_derivers[lit])
        ends = {self._literal_text[lit]: found for lit, found in occurrences.items()}
        return sorted(rules), derivers, ends

    def scan_bytes(self, raw: bytes, path: str, file_kind: str) -> tuple[list[Hit], bool]:
        """All findings in one file's raw bytes, and whether decoding was lossy."""
        data, raw_map = transform(raw, file_kind)
        doc: Document | None = None
        if data[:2] in UTF16_BOMS:  # keywords are ASCII: look for them in the decoded text
            doc = decode(data, raw_map)
            rule_ids, deriver_ids, ends = self._candidates(
                doc.text.encode("utf-8", "surrogateescape")
            )
            ascii_text, utf16 = False, True
        else:
            utf16 = False
            rule_ids, deriver_ids, ends = self._candidates(data)
            ascii_text = data.isascii()  # then byte offsets are the text's character offsets
        derivers = [
            deriver
            for d, deriver in enumerate(DERIVERS)
            if d in deriver_ids or file_kind in deriver.kinds
        ]
        if not rule_ids and not derivers:
            return [], False
        if doc is None:
            doc = decode(data, raw_map)
        # Keyword places in bytes are places in the text when the bytes were ASCII, and can be
        # converted when they were valid UTF-8 (no BOM): keywords are ASCII, never inside a
        # multi-byte character.
        utf8 = None if ascii_text or utf16 or doc.lossy or doc.base else data
        finder = KeywordFinder(doc.text, ends, ascii_text, utf8)
        hits: list[Hit | Rejected] = (
            self._match(doc, None, doc.text, rule_ids, finder, path, file_kind) if rule_ids else []
        )
        for deriver in derivers:
            hits.extend(self._derived(doc, deriver, path, file_kind))
        return _most_specific(hits), doc.lossy

    def _derived(
        self, doc: Document, deriver: Deriver, path: str, file_kind: str
    ) -> list[Hit | Rejected]:
        hits: list[Hit | Rejected] = []
        for segment in deriver.derive(doc.text):
            data = segment.text.encode("utf-8", "surrogateescape")
            rule_ids, _, ends = self._candidates(data)
            if rule_ids:
                finder = KeywordFinder(segment.text, ends, data.isascii())
                hits.extend(
                    self._match(doc, segment, segment.text, rule_ids, finder, path, file_kind)
                )
        return hits

    def _match(
        self,
        doc: Document,
        segment: Segment | None,
        text: str,
        rule_ids: Iterable[int],
        finder: KeywordFinder,
        path: str,
        file_kind: str,
    ) -> list[Hit | Rejected]:
        hits: list[Hit | Rejected] = []
        for i in rule_ids:
            rule = self.rules[i]
            pattern = self._patterns[i] or self._compile(i)
            for start, end in self._windows(i, text, finder):
                for match in pattern.finditer(text, start, end):
                    hit = self._confirm(doc, segment, text, match, rule, path, file_kind)
                    if hit is not None:
                        hits.append(hit)
        return hits

    def _windows(self, rule_index: int, text: str, finder: KeywordFinder) -> list[tuple[int, int]]:
        """Where rule ``rule_index`` can match: whole-line regions around its keywords.

        A rule whose matches span at most ``n`` line breaks runs on each keyword's line ± n
        lines; one with unbounded reach runs on character windows snapped to whole lines.
        Windows covering most of the text become the whole text. So does the text when one pass
        of the pattern costs less than finding its keywords (patterns led by a literal prefix) or
        than handling every keyword's window (keywords on every line). Each rule's cost per
        character is measured once; either way the findings are the same, as every match contains
        a keyword.
        """
        size = len(text)
        keywords = self._keywords[rule_index]
        if not keywords:
            return [(0, size)]
        present = finder.present(keywords)
        if not present:
            return []
        cost = self._cost[rule_index] or self._calibrate(rule_index)
        if size <= QUICK_PASS_MAX and cost <= len(present) * search_cost_ns():
            return [(0, size)]  # the pattern is as quick as looking for its keywords
        positions = finder.positions(present)
        if not positions:
            return []
        if len(positions) * window_cost_ns() >= size * cost:
            return [(0, size)]  # keywords everywhere: one pass over the text is cheaper
        reach, before, after = self._extent[rule_index] or self._measure(rule_index)
        windows: list[tuple[int, int]] = []
        for pos, end in positions:
            if windows and pos < windows[-1][1]:
                start, stop = windows.pop()
                if end <= stop and reach == 0:  # same line: same window
                    windows.append((start, stop))
                    continue
            else:
                start, stop = _line_start(text, pos, reach, before), 0
            windows.append((start, max(stop, _line_end(text, end, reach, after))))
        covered = sum(e - s for s, e in windows)
        if covered * 4 >= size * 3:
            return [(0, size)]
        return windows

    def _confirm(
        self,
        doc: Document,
        segment: Segment | None,
        text: str,
        match: regex.Match[str],
        rule: Rule,
        path: str,
        file_kind: str,
    ) -> Hit | Rejected | None:
        try:
            start, end = match.span("secret")
        except IndexError:
            start, end = match.span()
        if start < 0 or end <= start:
            return None
        secret = text[start:end]
        if rule.min_entropy is not None and shannon_entropy(secret) < rule.min_entropy:
            return None
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : line_end if line_end >= 0 else len(text)].rstrip("\r")
        doc_start, doc_end = (start, end) if segment is None else segment.to_document(start, end)
        if INLINE_IGNORE in line or (
            segment is not None and INLINE_IGNORE in doc.line_at(doc_start)
        ):
            return None
        validation = validators.Validation(valid=None)
        if rule.validator:
            try:
                validation = validators.validate(rule.validator, secret)
            except validators.UnknownValidatorError:
                validation = validators.Validation(valid=None)
            if validation.valid is False:
                if is_generic(rule):
                    return None
                return Rejected(*doc.byte_span(doc_start, doc_end))
        if filters.false_positive_reason(secret, line, rule, path, start - line_start) is not None:
            return None
        informational = rule.informational or validation.informational
        if informational and not self.include_informational:
            return None
        line_no, column = doc.line_col(doc_start)
        end_line, end_col = doc.line_col(doc_end)
        byte_start, byte_end = doc.byte_span(doc_start, doc_end)
        key = segment.context_key if segment is not None and segment.context_key else None
        if key is None:
            key = context_key(text[line_start:start])
        prefix = redact.known_prefix(secret, rule.keywords, generic=filters.generic_value(rule))
        finding = Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            provider=rule.provider,
            path=path,
            line=line_no,
            column=column,
            end_line=end_line,
            end_column=end_col,
            byte_start=byte_start,
            byte_end=byte_end,
            file_kind=file_kind,
            fingerprint=self.fingerprint(secret),
            preview=redact.preview(secret, prefix),
            confidence=rule.confidence,
            persistence=rule.persistence,
            informational=informational,
            encoding=segment.encoding if segment is not None else None,
            validation=validation.reason,
            expires_at=validation.expires_at,
            details=tuple(validation.details),
            context_key=key,
        )
        score = (
            1 if validation.valid else 0,
            0 if is_generic(rule) else 1,
            CONFIDENCE_RANK.get(rule.confidence, 0),
            len(prefix),
            1 if segment is not None else 0,
            len(secret),
        )
        return Hit(finding, secret, score)


class KeywordFinder:
    """Where keywords occur in one text, ASCII case-insensitively; each keyword searched once.

    ``ends`` are the prefilter's findings (keyword -> end offsets in the bytes it scanned): only
    those keywords are looked for. Their places are taken from it instead of searched again when
    ``exact`` (the bytes were ASCII, so byte and character offsets agree) or when ``utf8`` gives
    the valid UTF-8 bytes they count in (converted once: a keyword's ASCII bytes are never part
    of a multi-byte character).
    """

    def __init__(
        self,
        text: str,
        ends: dict[str, list[int]] | None = None,
        exact: bool = False,
        utf8: bytes | None = None,
    ) -> None:
        self._text = text
        self._present = frozenset(ends) if ends is not None else None
        self._ends = ends if exact or utf8 is not None else None
        self._utf8 = utf8  # the valid UTF-8 bytes ``ends`` count in, when they aren't ASCII
        self._lowered_text: str | None = None
        self._found: dict[str, list[int]] = {}

    def _convert(self) -> None:
        """Turn every keyword's byte end offsets into character end offsets (one pass)."""
        assert self._ends is not None and self._utf8 is not None
        data = self._utf8
        merged = sorted((end, kw) for kw, ends in self._ends.items() for end in ends)
        converted: dict[str, list[int]] = {kw: [] for kw in self._ends}
        previous = continuation = 0
        for end, kw in merged:
            chunk = data[previous:end]
            continuation += len(chunk) - len(chunk.translate(None, UTF8_CONTINUATION))
            previous = end
            converted[kw].append(end - continuation)
        self._ends = converted
        self._utf8 = None

    @property
    def _lowered(self) -> str | None:
        """The text lower-cased with the same offsets (None if lower-casing moves them)."""
        if self._lowered_text is None:
            lowered = self._text.lower()
            # a few characters lower-case to two ('İ'): then search case-insensitively instead
            self._lowered_text = lowered if len(lowered) == len(self._text) else ""
        return self._lowered_text or None

    def present(self, keywords: tuple[str, ...]) -> tuple[str, ...]:
        """The ``keywords`` the prefilter saw in this text (all of them if it wasn't asked)."""
        if self._present is None:
            return keywords
        return tuple(k for k in keywords if k in self._present)

    def _find(self, keyword: str) -> list[int]:
        found = self._found.get(keyword)
        if found is None:
            found = []
            if self._present is not None and keyword not in self._present:
                return found
            if self._ends is not None:
                if self._utf8 is not None:
                    self._convert()
                n = len(keyword)
                found = self._found[keyword] = [end - n for end in self._ends[keyword]]
                return found
            lowered = self._lowered
            if lowered is None:
                found = [
                    m.start() for m in _keyword_re(keyword).finditer(self._text, overlapped=True)
                ]
            else:
                pos = lowered.find(keyword)
                while pos >= 0:
                    found.append(pos)
                    pos = lowered.find(keyword, pos + 1)
            self._found[keyword] = found
        return found

    def positions(self, keywords: tuple[str, ...]) -> list[tuple[int, int]]:
        """(start, end) of every occurrence of any of ``keywords``, in text order."""
        if len(keywords) == 1:
            n = len(keywords[0])
            return [(p, p + n) for p in self._find(keywords[0])]
        spans = [(p, p + len(k)) for k in keywords for p in self._find(k)]
        spans.sort()
        return spans


@cache
def _keyword_re(keyword: str) -> regex.Pattern[str]:
    return regex.compile(regex.escape(keyword), regex.IGNORECASE | regex.ASCII)


@cache
def _calibration_text() -> str:
    """Ordinary words and code, and a third of base64/hex noise (lockfiles, keys, bundles)."""
    words = common_sample().split(" ")
    rng = random.Random(0)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
    lines: list[str] = []
    size = 0
    while size < CALIBRATION_CHARS:
        if rng.random() < 0.33:
            line = "".join(rng.choices(alphabet, k=rng.randint(40, 120)))
        else:
            line = " ".join(rng.choices(words, k=rng.randint(3, 14)))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:CALIBRATION_CHARS]


@cache
def search_cost_ns() -> float:
    """Nanoseconds one keyword search takes per character of text (measured once)."""
    text = _calibration_text().lower()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for keyword in ("zqx_", "pub", "sk-", "token"):
            pos = text.find(keyword)
            while pos >= 0:
                pos = text.find(keyword, pos + 1)
        best = min(best, time.perf_counter() - started)
    return best * 1e9 / (4 * len(text))


@cache
def window_cost_ns() -> float:
    """Nanoseconds the engine spends per keyword occurrence on its window (measured once)."""
    text = "let path = join(base, name)\n" * 2000
    finder = KeywordFinder(text)
    pattern = regex.compile(r"(?<![a-z])pathx[0-9]{8}")
    started = time.perf_counter()
    for pos, end in finder.positions(("path",)):
        start, stop = _line_start(text, pos, 0, 0), _line_end(text, end, 0, 0)
        for _match in pattern.finditer(text, start, stop):
            pass
    return max((time.perf_counter() - started) * 1e9 / 2000, 100.0)


def _line_start(text: str, pos: int, reach: int | None, before: int) -> int:
    """Start of the line ``reach`` lines above ``pos`` (unbounded: ``before`` chars back)."""
    if reach is None:
        return text.rfind("\n", 0, max(0, pos - before)) + 1
    start = text.rfind("\n", 0, pos) + 1
    for _ in range(reach):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return start


def _line_end(text: str, end: int, reach: int | None, after: int) -> int:
    """End of the line ``reach`` lines below ``end`` (unbounded: ``after`` chars on)."""
    size = len(text)
    if reach is None:
        stop = text.find("\n", min(size, end + after))
        return size if stop < 0 else stop
    stop = text.find("\n", end)
    for _ in range(reach):
        if stop < 0:
            break
        stop = text.find("\n", stop + 1)
    return size if stop < 0 else stop


def _overlaps(finding: Finding, spans: list[tuple[int, int]]) -> bool:
    start, end = finding.byte_start, max(finding.byte_end, finding.byte_start + 1)
    return any(s < end and start < max(e, s + 1) for s, e in spans)


def is_generic(rule: Rule) -> bool:
    """Generic rules (``password = …``, URL userinfo) yield to provider-specific ones."""
    return rule.family in GENERIC_FAMILIES or bool(GENERIC_TAGS.intersection(rule.tags))


def _most_specific(found: list[Hit | Rejected]) -> list[Hit]:
    """Drop matches overlapping a better one (by score), keep file order.

    A span a structured rule's validator refused (a ``ghp_`` with a bad checksum) is no secret:
    generic and URL matches overlapping it go too, whatever their own shape. Among equal scores
    the provider-specific rule wins, then the earlier span, then the rule id, so the result
    doesn't depend on rule order.
    """
    rejected = sorted((r.byte_start, r.byte_end) for r in found if isinstance(r, Rejected))
    hits = [h for h in found if isinstance(h, Hit)]
    if rejected:
        hits = [h for h in hits if h.score[1] or not _overlaps(h.finding, rejected)]
    if len(hits) <= 1:
        return hits
    ordered = sorted(hits, key=lambda h: h.finding.rule_id)
    ordered.sort(key=lambda h: (h.score, -h.finding.byte_start), reverse=True)  # stable
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Hit] = []
    for hit in ordered:
        s, e = hit.finding.byte_start, max(hit.finding.byte_end, hit.finding.byte_start + 1)
        pos = bisect.bisect_left(starts, s)
        if pos > 0 and ends[pos - 1] > s:
            continue
        if pos < len(starts) and starts[pos] < e:
            continue
        starts.insert(pos, s)
        ends.insert(pos, e)
        kept.append(hit)
    kept.sort(key=lambda h: (h.finding.byte_start, h.finding.rule_id))
    return kept
