"""The corpus store's schema, versioned, with forward-only migrations.

A store records its schema version in ``schema_info``; opening an older
store applies the missing migrations in one transaction, opening a newer
one is refused (it was written by a newer textcoop).
"""

from __future__ import annotations

SCHEMA_VERSION = 3

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE schema_info (version INTEGER NOT NULL, migrated_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE documents (
            doc_id VARCHAR PRIMARY KEY,
            sha256 VARCHAR NOT NULL UNIQUE,
            source_path VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            format VARCHAR NOT NULL,
            title VARCHAR,
            region VARCHAR,
            year VARCHAR,
            doc_type VARCHAR,
            meta_source VARCHAR NOT NULL,
            language VARCHAR,
            n_pages INTEGER NOT NULL,
            n_segments INTEGER NOT NULL,
            n_ocr_pages INTEGER NOT NULL,
            n_needs_ocr INTEGER NOT NULL,
            info JSON,
            textcoop_version VARCHAR NOT NULL,
            ingested_at TIMESTAMP NOT NULL,
            run_id VARCHAR
        )""",
        """CREATE TABLE pages (
            doc_id VARCHAR NOT NULL,
            page_no INTEGER NOT NULL,
            method VARCHAR NOT NULL,
            quality DOUBLE,
            width DOUBLE,
            height DOUBLE,
            n_chars INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            PRIMARY KEY (doc_id, page_no)
        )""",
        """CREATE TABLE segments (
            doc_id VARCHAR NOT NULL,
            seg_no INTEGER NOT NULL,
            page_no INTEGER NOT NULL,
            kind VARCHAR NOT NULL,
            level INTEGER NOT NULL,
            section VARCHAR[] NOT NULL,
            lang VARCHAR NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            cells VARCHAR[],
            PRIMARY KEY (doc_id, seg_no)
        )""",
        """CREATE TABLE sentences (
            doc_id VARCHAR NOT NULL,
            seg_no INTEGER NOT NULL,
            sent_no INTEGER NOT NULL,
            page_no INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            PRIMARY KEY (doc_id, seg_no, sent_no)
        )""",
        """CREATE TABLE problems (
            path VARCHAR NOT NULL,
            sha256 VARCHAR,
            doc_id VARCHAR,
            page_no INTEGER,
            severity VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            run_id VARCHAR,
            created_at TIMESTAMP NOT NULL
        )""",
        """CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            command VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            n_stored INTEGER,
            n_skipped INTEGER,
            n_failed INTEGER
        )""",
    ],
    2: [
        """CREATE TABLE segment_themes (
            doc_id VARCHAR NOT NULL,
            seg_no INTEGER NOT NULL,
            model_id VARCHAR NOT NULL,
            themes VARCHAR[] NOT NULL,
            scores JSON NOT NULL,
            evidence VARCHAR[],
            PRIMARY KEY (doc_id, seg_no)
        )""",
        """CREATE TABLE doc_coverage (
            doc_id VARCHAR NOT NULL,
            theme VARCHAR NOT NULL,
            model_id VARCHAR NOT NULL,
            share DOUBLE NOT NULL,
            n_segments INTEGER NOT NULL,
            top_segments INTEGER[] NOT NULL,
            PRIMARY KEY (doc_id, theme)
        )""",
    ],
    3: [
        """CREATE TABLE topic_runs (
            run_id VARCHAR PRIMARY KEY,
            created TIMESTAMP NOT NULL,
            model_dir VARCHAR,
            engine VARCHAR NOT NULL,
            k INTEGER NOT NULL,
            seeded BOOLEAN NOT NULL,
            params JSON NOT NULL,
            coherence DOUBLE,
            coherence_measure VARCHAR,
            stability DOUBLE
        )""",
        """CREATE TABLE topics (
            run_id VARCHAR NOT NULL,
            topic INTEGER NOT NULL,
            label VARCHAR NOT NULL,
            top_terms VARCHAR[] NOT NULL,
            term_weights DOUBLE[] NOT NULL,
            theme VARCHAR,
            theme_score DOUBLE NOT NULL,
            seeded_theme VARCHAR,
            prevalence DOUBLE NOT NULL,
            PRIMARY KEY (run_id, topic)
        )""",
        """CREATE TABLE doc_topics (
            run_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            topic INTEGER NOT NULL,
            weight DOUBLE NOT NULL,
            PRIMARY KEY (run_id, doc_id, topic)
        )""",
        """CREATE TABLE topic_passages (
            run_id VARCHAR NOT NULL,
            topic INTEGER NOT NULL,
            rank INTEGER NOT NULL,
            doc_id VARCHAR NOT NULL,
            seg_no INTEGER NOT NULL,
            weight DOUBLE NOT NULL,
            seg_end INTEGER
        )""",
        """CREATE TABLE coherence_curve (
            run_id VARCHAR NOT NULL,
            k INTEGER NOT NULL,
            coherence DOUBLE NOT NULL,
            chosen BOOLEAN NOT NULL
        )""",
    ],
}
