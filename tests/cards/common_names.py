"""Common Arabic, Persian and Pashto names with the Latin spellings people accept for them.

Each name carries the public page its spellings come from: the English Wikipedia article on
the name (title and the "other spellings" of its infobox or first lines) or Behind the Name's
entry. A readable Latin line must be one of the accepted spellings.
"""

from __future__ import annotations

from typing import NamedTuple


class CommonName(NamedTuple):
    script: str
    accepted: frozenset[str]
    source: str


def _name(script: str, spellings: str, source: str) -> CommonName:
    return CommonName(script, frozenset(spellings.split("|")), source)


WIKI = "https://en.wikipedia.org/wiki/"
BTN = "https://www.behindthename.com/name/"

COMMON_NAMES = (
    # Arabic given names
    _name("محمد", "MOHAMMED|MOHAMMAD|MUHAMMAD|MOHAMED", WIKI + "Muhammad_(name)"),
    _name("أحمد", "AHMED|AHMAD", WIKI + "Ahmed"),
    _name("علي", "ALI", WIKI + "Ali_(name)"),
    _name("حسن", "HASSAN|HASAN", WIKI + "Hassan_(given_name)"),
    _name("حسين", "HUSSEIN|HUSSAIN|HUSAYN|HOSSEIN", WIKI + "Hussein"),
    _name("محمود", "MAHMOUD|MAHMUD", WIKI + "Mahmoud"),
    _name("مصطفى", "MUSTAFA|MOSTAFA|MUSTAPHA", WIKI + "Mustafa"),
    _name("خالد", "KHALED|KHALID", WIKI + "Khalid"),
    _name("عمر", "OMAR|UMAR", WIKI + "Omar"),
    _name("يوسف", "YOUSSEF|YOUSEF|YUSUF|YOUSSOUF", WIKI + "Yusuf_(given_name)"),
    _name("إبراهيم", "IBRAHIM|EBRAHIM", WIKI + "Ibrahim"),
    _name("عبد الله", "ABDULLAH|ABDALLAH|ABDELLAH", WIKI + "Abdullah_(name)"),
    _name("عبد الرحمن", "ABDULRAHMAN|ABDELRAHMAN|ABDUL RAHMAN|ABDURRAHMAN", WIKI + "Abdul_Rahman"),
    _name("عبد العزيز", "ABDULAZIZ|ABDELAZIZ|ABDUL AZIZ", WIKI + "Abdul_Aziz"),
    _name("سعيد", "SAEED|SAID|SAYID", WIKI + "Said_(name)"),
    _name("صالح", "SALEH|SALIH", WIKI + "Saleh"),
    _name("طارق", "TAREK|TARIQ|TARIK", WIKI + "Tariq"),
    _name("ياسر", "YASSER|YASIR|YASER", WIKI + "Yasser"),
    _name("حمزة", "HAMZA|HAMZAH", WIKI + "Hamza_(name)"),
    _name("عيسى", "ISSA|ISA|EISA", WIKI + "Isa_(name)"),
    _name("يحيى", "YAHYA|YAHIA", WIKI + "Yahya_(name)"),
    # Arabic given names, women
    _name("فاطمة", "FATIMA|FATMA|FATIMAH", WIKI + "Fatima_(given_name)"),
    _name("عائشة", "AISHA|AICHA|AYESHA", WIKI + "Aisha_(given_name)"),
    _name("مريم", "MARYAM|MARIAM", WIKI + "Maryam_(name)"),
    _name("زينب", "ZAINAB|ZEINAB|ZAYNAB", WIKI + "Zaynab"),
    _name("خديجة", "KHADIJA|KHADIJAH|KHADIJEH", WIKI + "Khadija_(name)"),
    _name("أمينة", "AMINA|AMINAH", WIKI + "Amina"),
    _name("نور", "NOUR|NOOR|NUR", WIKI + "Noor_(name)"),
    _name("ليلى", "LAYLA|LEILA|LAILA|LEYLA", WIKI + "Layla_(name)"),
    # Arabic family names, with the article
    _name("الخطيب", "AL-KHATIB|ALKHATIB|AL KHATIB|EL-KHATIB", WIKI + "Al-Khatib"),
    _name("الحلبي", "AL-HALABI|ALHALABI|AL HALABI|HALABI", WIKI + "Halabi"),
    _name("الحسن", "AL-HASSAN|ALHASSAN|AL-HASAN", WIKI + "Al-Hassan"),
    # Persian given names
    _name("علی", "ALI", WIKI + "Ali_(name)"),
    _name("رضا", "REZA|RIDA|REDA", WIKI + "Reza"),
    _name("مهدی", "MAHDI|MEHDI", WIKI + "Mahdi_(name)"),
    _name("علیرضا", "ALIREZA", WIKI + "Alireza"),
    _name("محمدرضا", "MOHAMMADREZA|MOHAMMAD REZA", WIKI + "Mohammad_Reza"),
    _name("مرتضی", "MORTEZA|MURTAZA|MURTADHA", WIKI + "Morteza"),
    _name("جواد", "JAVAD|JAWAD", WIKI + "Javad"),
    _name("فاطمه", "FATEMEH|FATEMA|FATIMA", WIKI + "Fatima_(given_name)"),
    _name("زهرا", "ZAHRA|ZAHRAA", WIKI + "Zahra_(name)"),
    _name("معصومه", "MASOUMEH|MASUMEH|MASUMA", BTN + "masoumeh"),
    _name("نرگس", "NARGES|NARGIS", WIKI + "Narges"),
    # Persian family names
    _name("رضایی", "REZAEI|REZAEE|REZAIE", WIKI + "Rezaei"),
    _name("محمدی", "MOHAMMADI|MOHAMADI", WIKI + "Mohammadi"),
    _name("حسینی", "HOSSEINI|HUSSAINI|HOSEINI", WIKI + "Hosseini"),
    _name("احمدی", "AHMADI", WIKI + "Ahmadi"),
    _name("موسوی", "MOUSAVI|MOOSAVI|MUSAVI", WIKI + "Mousavi"),
    _name("کریمی", "KARIMI", WIKI + "Karimi"),
    # Pashto and Dari (Afghanistan)
    _name("ګل", "GUL|GOL", WIKI + "Gul_(name)"),
    _name("زلمی", "ZALMAI|ZALMAY", WIKI + "Zalmay"),
    _name("نجیب الله", "NAJIBULLAH|NAJEEBULLAH", WIKI + "Najibullah_(name)"),
    _name("ذبیح الله", "ZABIHULLAH|ZABIULLAH", BTN + "zabihullah"),
    _name("ملالۍ", "MALALAI|MALALAY", WIKI + "Malalai_of_Maiwand"),
    _name("احمدزی", "AHMADZAI|AHMADZAY", WIKI + "Ahmadzai"),
    _name("یوسفزی", "YOUSAFZAI|YOUSUFZAI|YUSUFZAI", WIKI + "Yusufzai"),
    _name("کاکړ", "KAKAR|KAKKAR", WIKI + "Kakar"),
    _name("عزیزی", "AZIZI", WIKI + "Azizi"),
)

# Whole names: the table, the article and the letter rules together.
WHOLE_NAMES = (
    _name("محمد عبد الرحمن الخطيب", "MOHAMMED ABDULRAHMAN AL-KHATIB", WIKI + "Muhammad_(name)"),
    _name("علی رضایی", "ALI REZAEI", WIKI + "Rezaei"),
    _name("فاطمه حسینی", "FATEMEH HOSSEINI", WIKI + "Hosseini"),
    _name("ګل احمد کاکړ", "GUL AHMAD KAKAR", WIKI + "Kakar"),
)
