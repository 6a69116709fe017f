"""Report strings in Russian and English, and theme names from the codebook.

Why a table of strings rather than gettext: the report has a few hundred
words, two languages, and is read by people who will quote it to a
ministry; keeping both languages side by side makes a missing or clumsy
translation easy to see in review.
"""

from __future__ import annotations

from textcoop.errors import InputError

LANGS = ("ru", "en")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"ru": "Отчёт textcoop", "en": "textcoop report"},
    "generated": {"ru": "Сформирован", "en": "Generated"},
    "contents": {"ru": "Содержание", "en": "Contents"},
    "missing": {"ru": "Нет данных", "en": "Not available"},
    "produce_with": {"ru": "Получить", "en": "Produce it with"},
    "error_in_section": {
        "ru": "Раздел не построен из-за ошибки",
        "en": "This section could not be built",
    },
    # overview
    "sec_overview": {"ru": "Обзор корпуса", "en": "Corpus overview"},
    "n_documents": {"ru": "документов", "en": "documents"},
    "n_pages": {"ru": "страниц", "en": "pages"},
    "n_segments": {"ru": "фрагментов текста", "en": "text segments"},
    "n_regions": {"ru": "регионов", "en": "regions"},
    "n_failed": {"ru": "файлов не прочитано", "en": "files failed"},
    "n_ocr": {"ru": "страниц распознано (OCR)", "en": "pages OCR'd"},
    "n_needs_ocr": {"ru": "страниц без текста (нужен OCR)", "en": "pages without text (need OCR)"},
    "docs_by_region": {"ru": "Документы по регионам", "en": "Documents by region"},
    "docs_by_year": {
        "ru": "Документы по годам (первый год периода)",
        "en": "Documents by year (first year of the period)",
    },
    "docs_by_type": {"ru": "Документы по типам", "en": "Documents by type"},
    "documents": {"ru": "Документы", "en": "Documents"},
    "n_docs_axis": {"ru": "Число документов", "en": "Number of documents"},
    "failures": {"ru": "Не удалось прочитать", "en": "Files that failed to ingest"},
    "no_failures": {"ru": "Все файлы прочитаны.", "en": "Every file was ingested."},
    "ocr_docs": {
        "ru": "Документы, где понадобилось распознавание (OCR)",
        "en": "Documents that needed OCR",
    },
    "no_ocr": {"ru": "Распознавание (OCR) не понадобилось.", "en": "No page needed OCR."},
    "warnings": {"ru": "Предупреждения при чтении", "en": "Ingest warnings"},
    "no_documents": {"ru": "В хранилище нет документов.", "en": "The store holds no documents."},
    # columns
    "col_region": {"ru": "Регион", "en": "Region"},
    "col_year": {"ru": "Год", "en": "Year"},
    "col_type": {"ru": "Тип", "en": "Type"},
    "col_title": {"ru": "Документ", "en": "Document"},
    "col_file": {"ru": "Файл", "en": "File"},
    "col_pages": {"ru": "Страниц", "en": "Pages"},
    "col_page": {"ru": "Стр.", "en": "Page"},
    "col_section": {"ru": "Раздел", "en": "Section"},
    "col_passage": {"ru": "Фрагмент", "en": "Passage"},
    "col_score": {"ru": "Оценка", "en": "Score"},
    "col_theme": {"ru": "Тема", "en": "Theme"},
    "col_code": {"ru": "Код", "en": "Code"},
    "col_message": {"ru": "Сообщение", "en": "Message"},
    "col_ocr_pages": {"ru": "Распознано стр.", "en": "OCR'd pages"},
    "col_needs_ocr": {"ru": "Без текста стр.", "en": "Pages without text"},
    "col_answer": {"ru": "Ответ", "en": "Answer"},
    "col_confidence": {"ru": "Уверенность", "en": "Confidence"},
    "col_value": {"ru": "Значение", "en": "Value"},
    "col_share": {"ru": "Доля", "en": "Share"},
    "col_ci": {"ru": "95% интервал", "en": "95% interval"},
    "col_count": {"ru": "Число", "en": "Count"},
    "col_n": {"ru": "n", "en": "n"},
    "col_group": {"ru": "Группа", "en": "Group"},
    "col_question": {"ru": "Вопрос", "en": "Question"},
    # coverage
    "sec_coverage": {"ru": "Охват тем по регионам", "en": "Theme coverage by region"},
    "coverage_title": {
        "ru": "Средняя доля текста документов региона по теме",
        "en": "Mean share of the region's document text on each theme",
    },
    "coverage_note": {
        "ru": "Доля текста (символов) документа, отнесённая к теме, усреднённая по документам региона; документ без темы считается как 0.",
        "en": "Share of a document's text (characters) coded with the theme, averaged over the region's documents; a document without the theme counts as 0.",
    },
    "coverage_passages": {
        "ru": "Самые характерные фрагменты по темам",
        "en": "Strongest passages per theme",
    },
    "more_passages": {"ru": "Ещё фрагменты", "en": "More passages"},
    "no_coverage": {
        "ru": "Документы ещё не классифицированы по темам.",
        "en": "The documents have not been coded into themes yet.",
    },
    # gaps
    "sec_gaps": {"ru": "Спрос и предложение по темам", "en": "Demand and supply by theme"},
    "gaps_title": {
        "ru": "Спрос (опрос) и предложение (документы) по темам",
        "en": "Demand (survey) and supply (documents) by theme",
    },
    "demand": {"ru": "Спрос: доля ответов", "en": "Demand: share of answers"},
    "supply": {"ru": "Предложение: доля документов", "en": "Supply: share of documents"},
    "share_axis": {"ru": "Доля (95% интервал)", "en": "Share (95% interval)"},
    "gap": {"ru": "Разрыв", "en": "Gap"},
    "gap_note": {
        "ru": "Разрыв = спрос − предложение; положительный разрыв: предприятия просят то, о чём документы региона почти не говорят.",
        "en": "Gap = demand − supply; a positive gap means firms ask for what the region's documents barely address.",
    },
    "top_gaps": {
        "ru": "Наибольшие разрывы и их основания",
        "en": "Largest gaps and their evidence",
    },
    "no_gaps": {"ru": "Положительных разрывов нет.", "en": "No positive gaps."},
    "passages": {"ru": "Фрагменты документов", "en": "Document passages"},
    "answers": {"ru": "Ответы опроса", "en": "Survey answers"},
    "none_found": {"ru": "нет", "en": "none"},
    "sec_omissions": {"ru": "Пропуски и отставание от соседей", "en": "Omissions and peer gaps"},
    "omissions": {"ru": "Возможные пропуски классификатора", "en": "Possible omissions"},
    "omissions_note": {
        "ru": "Тема, которой нет в документах региона, хотя есть близкий по смыслу фрагмент; p — оценка вероятности, что тема пропущена.",
        "en": "A theme absent from the region's documents although a close passage exists; p is the estimated probability that it was missed.",
    },
    "col_p_missed": {"ru": "p пропуска", "en": "p missed"},
    "col_near_miss": {"ru": "Ближайший фрагмент", "en": "Nearest passage"},
    "peer_gaps": {
        "ru": "Темы, которые есть у большинства соседей",
        "en": "Themes most peers cover",
    },
    "col_peer_share": {"ru": "Доля соседей с темой", "en": "Share of peers covering it"},
    "col_n_peers": {"ru": "Соседей", "en": "Peers"},
    "codebook_gaps": {
        "ru": "Темы корпуса вне классификатора",
        "en": "Corpus topics outside the codebook",
    },
    "col_top_terms": {"ru": "Ключевые слова", "en": "Top terms"},
    "col_example": {"ru": "Пример", "en": "Example"},
    # topics
    "sec_topics": {"ru": "Тематическая модель", "en": "Topics"},
    "topics_table": {"ru": "Темы модели", "en": "Topics found"},
    "col_topic": {"ru": "Тема модели", "en": "Topic"},
    "col_matched": {"ru": "Ближайшая тема классификатора", "en": "Matched codebook theme"},
    "col_prevalence": {"ru": "Доля корпуса", "en": "Prevalence"},
    "topic_prevalence_title": {
        "ru": "Распространённость тем модели по регионам",
        "en": "Topic prevalence by region",
    },
    "topic_weight": {"ru": "Средний вес темы в документах", "en": "Mean topic weight in documents"},
    "coherence_title": {
        "ru": "Согласованность тем в зависимости от k",
        "en": "Topic coherence by k",
    },
    "k_axis": {"ru": "Число тем k", "en": "Number of topics k"},
    "coherence_axis": {"ru": "Согласованность", "en": "Coherence"},
    "representative": {"ru": "Характерные фрагменты", "en": "Representative passages"},
    "unmatched": {"ru": "не совпадает ни с одной", "en": "no match"},
    # similarity
    "sec_similarity": {"ru": "Сходство регионов", "en": "Region similarity"},
    "similarity_title": {
        "ru": "Сходство регионов по охвату тем (косинус)",
        "en": "Region similarity by theme coverage (cosine)",
    },
    "cosine": {"ru": "Косинусное сходство", "en": "Cosine similarity"},
    "distinctive": {"ru": "Отличительные слова регионов", "en": "Distinctive terms by region"},
    "col_terms": {"ru": "Слова", "en": "Terms"},
    "versions": {"ru": "Изменения между редакциями", "en": "Changes between versions"},
    "col_change": {"ru": "Изменение", "en": "Change"},
    "col_old": {"ru": "Было", "en": "Before"},
    "col_new": {"ru": "Стало", "en": "After"},
    # survey
    "sec_survey": {"ru": "Опрос", "en": "Survey"},
    "survey_title": {
        "ru": "Доля содержательных ответов по темам",
        "en": "Share of substantive answers per theme",
    },
    "survey_note": {
        "ru": "Знаменатель — содержательные ответы на вопрос (пустые и бессодержательные не учитываются); отрезки — 95% интервалы Уилсона.",
        "en": "Denominator: substantive answers to the question (empty and non-substantive answers left out); bars are Wilson 95% intervals.",
    },
    "all_respondents": {"ru": "Все", "en": "All"},
    "by_group": {"ru": "По группам", "en": "By group"},
    "agreement": {"ru": "Согласие кодировщиков", "en": "Agreement between coders"},
    "alpha": {"ru": "α Криппендорфа", "en": "Krippendorff's alpha"},
    "kappa": {"ru": "κ Коэна", "en": "Cohen's kappa"},
    "pct_agreement": {"ru": "Совпадение", "en": "Percent agreement"},
    "no_second_coder": {
        "ru": "Второй кодировщик не указан: согласие не вычислялось.",
        "en": "No second coding given: agreement was not computed.",
    },
    # method
    "sec_method": {"ru": "Методика и воспроизводимость", "en": "Method and reproducibility"},
    "codebook": {"ru": "Классификатор тем", "en": "Codebook"},
    "col_id": {"ru": "Код", "en": "Id"},
    "col_name_ru": {"ru": "Название (рус.)", "en": "Name (ru)"},
    "col_name_en": {"ru": "Название (англ.)", "en": "Name (en)"},
    "model": {"ru": "Модель классификации", "en": "Theme model"},
    "model_quality": {
        "ru": "Качество на отложенной выборке",
        "en": "Quality on the held-out dev split",
    },
    "inputs": {"ru": "Входные данные", "en": "Inputs"},
    "parameters": {"ru": "Параметры", "en": "Parameters"},
    "reproduce": {"ru": "Как воспроизвести", "en": "How to reproduce"},
    "hash": {"ru": "Хеш", "en": "Hash"},
    "version": {"ru": "Версия", "en": "Version"},
    "lang_name": {"ru": "Язык", "en": "Language"},
    "col_macro_f1": {"ru": "macro-F1", "en": "macro-F1"},
    "col_micro_f1": {"ru": "micro-F1", "en": "micro-F1"},
    "col_n_dev": {"ru": "n (проверка)", "en": "n (dev)"},
    "col_n_train": {"ru": "n (обучение)", "en": "n (train)"},
    "topic_model": {"ru": "Тематическая модель", "en": "Topic model"},
    "model_mismatch": {
        "ru": "Внимание: хранилище классифицировано моделью {stored}, а указана модель {given}; показано качество указанной модели.",
        "en": "Note: the store was coded by model {stored}, the model given is {given}; the quality shown is that of the model given.",
    },
    "doc_types": {"ru": "Типы документов", "en": "Document types"},
}

# What a section lacks (data.py writes these in English for the terminal; the report translates).
MISSING_RU = {
    "no documents in the store": "в хранилище нет документов",
    "the documents have not been coded into themes": "документы ещё не классифицированы по темам",
    "no coded survey given (--survey)": "не указан закодированный опрос (--survey)",
    "needs coded documents": "нужны документы, классифицированные по темам",
    "demand needs a coded survey (--survey)": "для спроса нужен закодированный опрос (--survey)",
    "this textcoop has no gaps module (textcoop.gaps)": "в этой версии textcoop нет модуля разрывов (textcoop.gaps)",
    "this textcoop has no topic module (textcoop.topics)": "в этой версии textcoop нет тематической модели (textcoop.topics)",
    "no topic model has been fitted on this store": "тематическая модель для этого хранилища ещё не построена",
}

DOC_TYPE_NAMES = {
    "program": {"ru": "программа", "en": "program"},
    "strategy": {"ru": "стратегия", "en": "strategy"},
    "plan": {"ru": "план", "en": "plan"},
    "law": {"ru": "закон", "en": "law"},
    "report": {"ru": "отчёт", "en": "report"},
    "other": {"ru": "другое", "en": "other"},
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError("unknown report language", value=lang, options=LANGS)
    return lang


class Text:
    """Strings and theme names in one language: ``t("sec_gaps")``, ``t.theme("finance")``."""

    def __init__(self, lang: str, codebook=None) -> None:
        self.lang = check_lang(lang)
        self.codebook = codebook

    def __call__(self, key: str, **fmt: object) -> str:
        s = STRINGS[key][self.lang]
        return s.format(**fmt) if fmt else s

    def theme(self, theme_id: str) -> str:
        """The codebook's name in the report language (the other language, then the id, if absent)."""
        if self.codebook is not None:
            for th in self.codebook.themes:
                if th.id == theme_id:
                    name = th.name or {}
                    return name.get(self.lang) or next(iter(name.values()), theme_id)
        return str(theme_id)

    def message(self, text: str) -> str:
        """A 'missing' message in the report language (unknown messages stay as they are)."""
        return MISSING_RU.get(text, text) if self.lang == "ru" else text

    def doc_type(self, value: object) -> str:
        names = DOC_TYPE_NAMES.get(str(value))
        return names[self.lang] if names else ("—" if value is None else str(value))
