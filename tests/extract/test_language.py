from textcoop.extract.language import GARBLED_BELOW, detect_lang, plausibility

RU = "Государственная программа предусматривает предоставление субсидий субъектам малого и среднего предпринимательства на возмещение части затрат, связанных с приобретением оборудования."
EN = "The strategy supports small and medium-sized enterprises in the region through grants, advice and access to the supply chains of large companies."


def test_detect_lang():
    assert detect_lang(RU) == "ru"
    assert detect_lang(EN) == "en"
    assert (
        detect_lang(
            "Le programme est une initiative de la région pour les entreprises dans le secteur."
        )
        == "other"
    )
    assert detect_lang("2021 | 2022 | 15,3", default="ru") == "ru"


def test_real_text_is_plausible():
    assert plausibility(RU) >= 0.9
    assert plausibility(EN) >= 0.9
    assert (
        plausibility(
            "Smart Specialisation – Qualitative Analysis Estonian Development Fund February 2013"
        )
        >= GARBLED_BELOW
    )


def test_garbled_layers_are_not():
    # shifted-font Russian (Ghostscript without ToUnicode) and Latin look-alikes
    shifted = "ML<?J@>?GU ijbdZahf NKLWD Jhkkbb hl n_\\jZey ] ‹ 17 Lj_[h\\Zgby h aZsbl_ bgnhjfZpbb g_ khklZ\\eyxs_c ]hkm^Zjkl\\_ggmx lZcgm"
    lookalike = "Hanorosas:t AeKnapai...IVIs:tno Hanory, ynnal.IVI KoA no KHA 1152017 Cl>opMa PaJ,Qen 1.1. CyMMa Hanora"
    junk_cyr = "ТНЕ СВЕАТ ЕМСТ1$Н РОСОМЕМТ 1) Е15т${ Нет мВ зоте еп 1$В {ехё 2) бесопа Нет м/ИН зоте еуеп тоге 121158 {ехё"
    for text in (shifted, lookalike, junk_cyr):
        assert plausibility(text) < GARBLED_BELOW, text
