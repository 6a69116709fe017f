from textcoop.extract.meta import infer_doc_type, infer_meta, infer_region, infer_year


def test_region_in_nominative():
    assert (
        infer_region("АДМИНИСТРАЦИЯ ЧУХЛОМСКОГО МУНИЦИПАЛЬНОГО РАЙОНА Костромской области")
        == "Костромская область"
    )
    assert infer_region("Государственная программа Вологодской области") == "Вологодская область"
    assert infer_region("Стратегия Краснодарского края") == "Краснодарский край"
    assert infer_region("О программе Республики Коми") == "Республика Коми"
    assert infer_region("Northmoor Region Smart Specialisation Strategy") == "Northmoor Region"


def test_years_and_types():
    assert infer_year("программа на 2021-2025 годы") == "2021-2025"
    assert infer_year("Стратегия до 2035 года") == "-2035"
    assert infer_doc_type("ПОСТАНОВЛЕНИЕ Об утверждении муниципальной программы") == "program"
    assert infer_doc_type("Стратегия социально-экономического развития") == "strategy"
    assert infer_doc_type("Прогноз социально-экономического развития") == "report"


def test_infer_meta_title_from_quotes():
    m = infer_meta(
        "Об утверждении государственной программы « Развитие промышленности Вологодской области » на 2021-2025 годы",
        None,
    )
    assert m.title == "Развитие промышленности Вологодской области"
    assert m.region == "Вологодская область" and m.year == "2021-2025" and m.doc_type == "program"


def test_region_from_register_file_name():
    from textcoop.extract.regions import region_from_file_name

    assert region_from_file_name("31339011021101017960011_17_part_1.txt") == "Республика Коми"
    assert region_from_file_name("/x/35339011023600937348001_0.txt") == "Воронежская область"
    assert region_from_file_name("34339011055001023890011.pdf") == "Московская область"
    # not a register name: too short, a letter inside, an unknown region code
    assert region_from_file_name("313390110211010179601_1.txt") is None
    assert region_from_file_name("strategy_2030.pdf") is None
    assert region_from_file_name("31339011029901017960011_1.txt") is None
