"""The demo's fixed data: the province of the source article, as it was and as it is.

Real organization names and places; every person is fictional and every figure synthetic.
The Party documents are real (number, date, issuer); their titles are given in our words
where the official title is long.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

D = datetime.date

DEMO_PASSWORD = "DungThu-2026"  # noqa: S105 - printed for newcomers; demo only
SEED = 20230324

OLD_PROVINCE_CODE = 17  # Hòa Bình before 1 July 2025
NEW_PROVINCE_CODE = 25  # Phú Thọ from 1 July 2025
REORGANIZED = D(2025, 7, 1)

TARGET_GROUPS = [
    ("can-bo", "Cán bộ"),
    ("hoi-vien", "Hội viên"),
    ("doan-vien", "Đoàn viên"),
    ("cnvcld", "Công nhân viên chức lao động"),
    ("llvt", "Cán bộ, chiến sĩ lực lượng vũ trang"),
    ("nhan-dan", "Nhân dân"),
    ("gia-dinh-chinh-sach", "Gia đình chính sách"),
    ("thanh-nien", "Thanh niên trong độ tuổi nhập ngũ"),
]

# (kind, number, date, issuer, title)
LEGAL_DOCUMENTS = [
    (
        "NQ",
        "35-NQ/TW",
        D(2018, 10, 22),
        "Bộ Chính trị khóa XII",
        "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch trong tình hình mới",
    ),
    (
        "NQ",
        "04-NQ/TW",
        D(2016, 10, 30),
        "Ban Chấp hành Trung ương khóa XII",
        'Về tăng cường xây dựng, chỉnh đốn Đảng; ngăn chặn, đẩy lùi sự suy thoái và những biểu hiện "tự diễn biến", "tự chuyển hóa" trong nội bộ',
    ),
    (
        "KL",
        "21-KL/TW",
        D(2021, 10, 25),
        "Ban Chấp hành Trung ương khóa XIII",
        "Về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
    ),
    (
        "KL",
        "01-KL/TW",
        D(2021, 5, 18),
        "Bộ Chính trị khóa XIII",
        "Về tiếp tục thực hiện Chỉ thị 05-CT/TW",
    ),
    (
        "CT",
        "05-CT/TW",
        D(2016, 5, 15),
        "Bộ Chính trị khóa XII",
        "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ),
    (
        "HD",
        "313/HD-CT",
        D(2021, 2, 22),
        "Tổng cục Chính trị",
        'Hướng dẫn thực hiện phong trào thi đua "Dân vận khéo" trong Quân đội giai đoạn 2021–2025',
    ),
]

GLOSSARY = [
    ("PHHĐ", "phối hợp hoạt động", "coordinated activities"),
    ("BCĐ", "Ban Chỉ đạo", "steering committee"),
    ("CHQS", "Chỉ huy Quân sự", "military command"),
    ("Bộ CHQS", "Bộ Chỉ huy Quân sự", "provincial military command"),
    ("CTĐ", "Chữ thập đỏ", "Red Cross"),
    ("LLVT", "lực lượng vũ trang", "armed forces"),
    ("ĐBKK", "đặc biệt khó khăn", "extremely disadvantaged"),
    ("MTTQ", "Mặt trận Tổ quốc", "Fatherland Front"),
    ("UBMTTQVN", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Vietnam Fatherland Front Committee"),
    ("CT-XH", "chính trị - xã hội", "socio-political"),
    ("LĐLĐ", "Liên đoàn Lao động", "Labour Federation"),
    ("HND", "Hội Nông dân", "Farmers' Union"),
    ("LHPN", "Liên hiệp Phụ nữ", "Women's Union"),
    ("CCB", "Cựu chiến binh", "veterans"),
    ("CNVCLĐ", "công nhân viên chức lao động", "workers, public employees and labourers"),
    ("CNXH", "chủ nghĩa xã hội", "socialism"),
    ("XHCN", "xã hội chủ nghĩa", "socialist"),
    ("DQTV", "dân quân tự vệ", "militia and self-defence forces"),
    ("DBĐV", "dự bị động viên", "mobilisation reserve"),
    ("NVQS", "nghĩa vụ quân sự", "military service"),
    ("QP-AN", "quốc phòng - an ninh", "defence and security"),
    ("KVPT", "khu vực phòng thủ", "defence zone"),
    ("NTM", "nông thôn mới", "new rural development"),
    ("PTKV", "Phòng thủ khu vực", "regional defence"),
    ("HMTN", "hiến máu tình nguyện", "voluntary blood donation"),
    ("TĐKT", "thi đua, khen thưởng", "emulation and commendation"),
]


@dataclass(frozen=True)
class Party:
    key: str
    kind: str  # orgs.choices.OrgKind
    name: str  # "{place}" is the province's name
    abbreviation: str
    branch: str  # district branch name; "{district}" is the district's name
    branch_abbreviation: str


PARTIES = [
    Party(
        "military",
        "military",
        "Bộ Chỉ huy Quân sự tỉnh {place}",
        "Bộ CHQS tỉnh",
        "Ban Chỉ huy Quân sự {district}",
        "Ban CHQS",
    ),
    Party(
        "front",
        "front",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {place}",
        "Ủy ban MTTQ tỉnh",
        "Ủy ban MTTQ Việt Nam {district}",
        "Ủy ban MTTQ",
    ),
    Party(
        "labour",
        "sociopolitical",
        "Liên đoàn Lao động tỉnh {place}",
        "LĐLĐ tỉnh",
        "Liên đoàn Lao động {district}",
        "LĐLĐ",
    ),
    Party(
        "farmers",
        "sociopolitical",
        "Hội Nông dân tỉnh {place}",
        "HND tỉnh",
        "Hội Nông dân {district}",
        "HND",
    ),
    Party(
        "women",
        "sociopolitical",
        "Hội Liên hiệp Phụ nữ tỉnh {place}",
        "Hội LHPN tỉnh",
        "Hội Liên hiệp Phụ nữ {district}",
        "Hội LHPN",
    ),
    Party(
        "youth",
        "sociopolitical",
        "Tỉnh đoàn {place}",
        "Tỉnh đoàn",
        "Đoàn Thanh niên {district}",
        "Huyện đoàn",
    ),
    Party(
        "veterans",
        "sociopolitical",
        "Hội Cựu chiến binh tỉnh {place}",
        "Hội CCB tỉnh",
        "Hội Cựu chiến binh {district}",
        "Hội CCB",
    ),
    Party(
        "redcross",
        "redcross",
        "Hội Chữ thập đỏ tỉnh {place}",
        "Hội CTĐ tỉnh",
        "Hội Chữ thập đỏ {district}",
        "Hội CTĐ",
    ),
]


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str  # programs.choices.Unit value
    aggregation: str = "sum"
    # typical value per activity (low, high); a ratio indicator gives (numerator, denominator)
    per_activity: tuple[float, float] = (1, 3)
    decimals: int = 0


@dataclass(frozen=True)
class ContentSpec:
    key: str
    title: str
    lead: str
    co: tuple[str, ...]
    groups: tuple[str, ...]
    legal: tuple[str, ...]
    indicators: tuple[IndicatorSpec, ...]
    weight: int  # share of activities
    activity_titles: tuple[str, ...] = field(default=())
    secret_share: float = 0.0  # share "not for publication"


CONTENTS = [
    ContentSpec(
        "tu-tuong",
        "Tuyên truyền, giáo dục chính trị, tư tưởng; bảo vệ nền tảng tư tưởng của Đảng",
        "military",
        ("front", "labour", "farmers", "women", "youth", "veterans", "redcross"),
        ("can-bo", "hoi-vien", "doan-vien", "cnvcld", "llvt", "nhan-dan"),
        ("35-NQ/TW",),
        (
            IndicatorSpec("Buổi tuyên truyền, sinh hoạt chính trị", "buổi", per_activity=(1, 3)),
            IndicatorSpec("Lượt người nghe tuyên truyền", "lượt", per_activity=(40, 260)),
            IndicatorSpec(
                "Tin, bài đấu tranh phản bác quan điểm sai trái", "tin, bài", per_activity=(0, 4)
            ),
        ),
        16,
        (
            "Tuyên truyền Nghị quyết 35 cho cán bộ, hội viên",
            "Sinh hoạt chính trị chuyên đề bảo vệ nền tảng tư tưởng",
            "Hội nghị báo cáo viên phối hợp",
            "Tọa đàm đấu tranh phản bác thông tin xấu độc trên mạng",
        ),
    ),
    ContentSpec(
        "hoc-tap-bac",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "front",
        ("military", "labour", "women", "youth", "veterans"),
        ("can-bo", "hoi-vien", "doan-vien", "llvt"),
        ("01-KL/TW", "05-CT/TW"),
        (
            IndicatorSpec("Hội nghị học tập chuyên đề", "buổi", per_activity=(1, 2)),
            IndicatorSpec(
                "Tập thể, cá nhân điển hình được biểu dương", "người", per_activity=(0, 6)
            ),
        ),
        8,
        (
            "Học tập chuyên đề năm về tư tưởng Hồ Chí Minh",
            "Biểu dương điển hình học tập và làm theo Bác",
            "Sinh hoạt chi hội theo chuyên đề Chỉ thị 05",
        ),
    ),
    ContentSpec(
        "xay-dung-dang",
        "Xây dựng, chỉnh đốn Đảng và hệ thống chính trị ở cơ sở vững mạnh",
        "veterans",
        ("military", "front", "farmers", "women", "youth"),
        ("can-bo", "hoi-vien", "doan-vien"),
        ("21-KL/TW", "04-NQ/TW"),
        (
            IndicatorSpec("Buổi sinh hoạt chuyên đề", "buổi", per_activity=(1, 2)),
            IndicatorSpec(
                "Tổ chức cơ sở hội đạt vững mạnh",
                "đơn vị",
                aggregation="latest",
                per_activity=(20, 60),
            ),
        ),
        6,
        ("Sinh hoạt chuyên đề Kết luận 21 tại chi hội", "Củng cố tổ chức cơ sở hội ở thôn, xóm"),
    ),
    ContentSpec(
        "hau-phuong",
        "Thực hiện chính sách hậu phương quân đội, đền ơn đáp nghĩa",
        "military",
        ("front", "women", "veterans", "redcross", "labour"),
        ("gia-dinh-chinh-sach", "llvt", "nhan-dan"),
        ("35-NQ/TW",),
        (
            IndicatorSpec(
                "Nhà tình nghĩa, nhà đồng đội xây mới, sửa chữa", "căn nhà", per_activity=(0, 2)
            ),
            IndicatorSpec("Kinh phí xây, sửa nhà", "triệu đồng", per_activity=(0, 120), decimals=1),
            IndicatorSpec("Sổ tiết kiệm trao tặng", "sổ", per_activity=(0, 5)),
            IndicatorSpec("Suất quà tặng gia đình chính sách", "suất quà", per_activity=(5, 60)),
        ),
        10,
        (
            "Trao nhà đồng đội cho quân nhân có hoàn cảnh khó khăn",
            "Thăm, tặng quà gia đình chính sách dịp 27/7",
            "Trao sổ tiết kiệm tình nghĩa",
            "Khởi công nhà tình nghĩa",
        ),
    ),
    ContentSpec(
        "giam-ngheo",
        "Phối hợp giảm nghèo bền vững, giúp đỡ hộ nghèo ở vùng sâu, vùng xa, vùng ĐBKK",
        "farmers",
        ("military", "women", "youth", "veterans", "front"),
        ("hoi-vien", "nhan-dan"),
        (),
        (
            IndicatorSpec("Hộ nghèo được giúp đỡ", "hộ", per_activity=(2, 25)),
            IndicatorSpec("Ngày công giúp dân", "ngày công", per_activity=(10, 180)),
            IndicatorSpec(
                "Vốn hỗ trợ phát triển sản xuất", "triệu đồng", per_activity=(0, 200), decimals=1
            ),
        ),
        12,
        (
            "Hỗ trợ cây, con giống cho hộ nghèo",
            "Ngày thứ Bảy giúp dân thu hoạch mùa màng",
            "Hướng dẫn kỹ thuật chăn nuôi cho hội viên",
            "Hỗ trợ vốn vay phát triển sản xuất",
        ),
    ),
    ContentSpec(
        "nong-thon-moi",
        "Chung sức xây dựng nông thôn mới",
        "front",
        ("military", "farmers", "women", "youth", "veterans", "labour"),
        ("hoi-vien", "doan-vien", "llvt", "nhan-dan"),
        (),
        (
            IndicatorSpec(
                "Đường giao thông nông thôn làm mới, sửa chữa",
                "km",
                per_activity=(0, 3),
                decimals=1,
            ),
            IndicatorSpec("Ngày công lao động", "ngày công", per_activity=(20, 300)),
            IndicatorSpec("Diện tích hỗ trợ cải tạo", "ha", per_activity=(0, 5), decimals=1),
        ),
        10,
        (
            "Ra quân làm đường giao thông nông thôn",
            "Đường quân - dân kiểu mẫu",
            "Chỉnh trang khu dân cư, nhà văn hóa thôn",
            "Khơi thông kênh mương nội đồng",
        ),
    ),
    ContentSpec(
        "phong-thu",
        "Xây dựng khu vực phòng thủ; giáo dục quốc phòng và an ninh",
        "military",
        ("front", "labour", "youth", "veterans"),
        ("can-bo", "hoi-vien", "doan-vien", "nhan-dan"),
        (),
        (
            IndicatorSpec("Lớp bồi dưỡng kiến thức QP-AN", "buổi", per_activity=(1, 2)),
            IndicatorSpec("Lượt người được bồi dưỡng", "lượt", per_activity=(30, 150)),
        ),
        6,
        (
            "Bồi dưỡng kiến thức quốc phòng và an ninh cho đối tượng 4",
            "Diễn tập khu vực phòng thủ cấp xã",
        ),
        secret_share=0.35,
    ),
    ContentSpec(
        "tuyen-quan",
        "Tuyên truyền, tuyển chọn và gọi công dân nhập ngũ; tiếp nhận quân nhân xuất ngũ",
        "military",
        ("youth", "women", "veterans", "farmers", "front"),
        ("thanh-nien", "doan-vien", "nhan-dan"),
        (),
        (
            IndicatorSpec("Buổi tuyên truyền Luật Nghĩa vụ quân sự", "buổi", per_activity=(1, 3)),
            IndicatorSpec("Công dân nhập ngũ", "công dân", per_activity=(2, 20)),
            IndicatorSpec(
                "Tỷ lệ hoàn thành chỉ tiêu giao quân", "%", aggregation="ratio", per_activity=(1, 1)
            ),
        ),
        8,
        (
            "Tuyên truyền Luật Nghĩa vụ quân sự cho thanh niên",
            "Gặp mặt, tặng quà tân binh trước ngày nhập ngũ",
            "Lễ giao nhận quân cấp huyện",
        ),
    ),
    ContentSpec(
        "dqtv",
        "Xây dựng lực lượng dân quân tự vệ, dự bị động viên; tự vệ trong doanh nghiệp",
        "military",
        ("labour", "youth"),
        ("llvt", "cnvcld", "doan-vien"),
        (),
        (
            IndicatorSpec("Lượt dân quân tự vệ được huấn luyện", "lượt", per_activity=(20, 120)),
            IndicatorSpec("Đơn vị tự vệ doanh nghiệp được củng cố", "đơn vị", per_activity=(0, 2)),
        ),
        6,
        ("Huấn luyện dân quân tự vệ năm thứ nhất", "Củng cố đơn vị tự vệ trong doanh nghiệp"),
        secret_share=0.5,
    ),
    ContentSpec(
        "nhan-dao",
        "Hoạt động nhân đạo, vận động hiến máu tình nguyện",
        "redcross",
        ("youth", "labour", "military", "women"),
        ("doan-vien", "cnvcld", "llvt", "nhan-dan"),
        (),
        (
            IndicatorSpec("Đơn vị máu tiếp nhận", "đơn vị máu", per_activity=(20, 220)),
            IndicatorSpec("Người hiến máu", "người", per_activity=(25, 260)),
            IndicatorSpec("Suất quà nhân đạo", "suất quà", per_activity=(10, 120)),
            IndicatorSpec("Giá trị quà nhân đạo", "triệu đồng", per_activity=(5, 90), decimals=1),
        ),
        10,
        (
            "Ngày hội hiến máu tình nguyện",
            "Hành trình đỏ kết nối dòng máu Việt",
            "Tặng quà cho người có hoàn cảnh khó khăn",
            "Khám bệnh, cấp thuốc miễn phí",
        ),
    ),
    ContentSpec(
        "cuu-ho",
        "Phòng, chống thiên tai, tìm kiếm cứu nạn, cứu hộ",
        "military",
        ("redcross", "youth", "front"),
        ("llvt", "doan-vien", "nhan-dan"),
        (),
        (
            IndicatorSpec("Lượt người tham gia ứng cứu", "lượt", per_activity=(20, 200)),
            IndicatorSpec("Phương tiện huy động", "phương tiện", per_activity=(1, 15)),
        ),
        4,
        ("Giúp dân khắc phục hậu quả mưa lũ", "Diễn tập phòng chống lụt bão, tìm kiếm cứu nạn"),
    ),
    ContentSpec(
        "dan-van",
        'Công tác dân vận; xây dựng và nhân rộng mô hình "Dân vận khéo"',
        "military",
        ("front", "farmers", "women", "youth", "veterans", "redcross", "labour"),
        ("hoi-vien", "llvt", "nhan-dan"),
        ("313/HD-CT",),
        (
            IndicatorSpec('Mô hình "Dân vận khéo" xây dựng mới', "mô hình", per_activity=(0, 1)),
            IndicatorSpec("Mô hình được nhân rộng", "mô hình", per_activity=(0, 1)),
        ),
        4,
        ('Ra mắt mô hình "Dân vận khéo"', "Sơ kết mô hình dân vận tại xã"),
    ),
]

PRACTICES = [
    ("Hũ gạo tình thương", "women", "giam-ngheo"),
    ("Nồi cháo tình thương", "redcross", "nhan-dao"),
    ("Đường quân - dân kiểu mẫu", "military", "nong-thon-moi"),
    ("Chắp cánh ước mơ", "youth", "hau-phuong"),
    ("Ngày thứ Bảy tình nghĩa", "military", "giam-ngheo"),
    ("Tổ tự quản an ninh trật tự của cựu chiến binh", "veterans", "phong-thu"),
    ("Ngân hàng máu sống", "redcross", "nhan-dao"),
    ("Nhà văn hóa thôn quân - dân", "front", "nong-thon-moi"),
    ("Câu lạc bộ nông dân với pháp luật", "farmers", "tu-tuong"),
    ("Đoàn viên công đoàn giúp nhau giảm nghèo", "labour", "giam-ngheo"),
]

# Fictional people: syllables combined deterministically.
SURNAMES = ["Bùi", "Đinh", "Nguyễn", "Quách", "Hà", "Trần", "Xa", "Lò", "Phạm", "Lê", "Hoàng", "Vũ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Hồng", "Xuân", "Mạnh"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Phong",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tuấn",
    "Vân",
    "Yến",
    "Khánh",
]

RETURN_REASONS = [
    "Thiếu số người tham gia theo từng đối tượng; đề nghị bổ sung.",
    "Địa bàn ghi chưa đúng xã tổ chức hoạt động; đề nghị kiểm tra lại.",
    "Kinh phí chưa tách theo nguồn (ngân sách, xã hội hóa); đề nghị bổ sung.",
    "Ngày tổ chức trùng với báo cáo đã duyệt trước đó; đề nghị xác minh, tránh báo cáo trùng.",
    "Chưa có ảnh hoặc biên bản kèm theo; đề nghị đính kèm minh chứng.",
]

NEWS_CATEGORIES = [
    ("Chính trị", "chinh-tri"),
    ("Quốc phòng - An ninh", "quoc-phong-an-ninh"),
    ("Nhân đạo - Xã hội", "nhan-dao-xa-hoi"),
]

# (category slug, title, lead, body paragraphs, published at "dd/mm/yyyy HH:MM" or
# None for a draft, or "scheduled" for one set to appear later). Written for the demo.
NEWS = [
    (
        "chinh-tri",
        "Sơ kết Chương trình phối hợp hoạt động năm 2022, ký kết chương trình năm 2023",
        (
            "Ngày 24/3/2023, Ban Chỉ đạo Chương trình phối hợp hoạt động tỉnh Hòa Bình tổ chức "
            "hội nghị sơ kết năm 2022 và ký kết chương trình năm 2023 tại trụ sở Liên đoàn Lao "
            "động tỉnh."
        ),
        [
            (
                "Hội nghị do đồng chí Trưởng ban Chỉ đạo chủ trì, với đại diện Bộ Chỉ huy Quân "
                "sự tỉnh, Ủy ban MTTQ Việt Nam tỉnh, các tổ chức chính trị - xã hội và Hội Chữ "
                "thập đỏ tỉnh. Các đại biểu đã cùng nhìn lại kết quả của một năm phối hợp, từ "
                "công tác tuyên truyền, giáo dục chính trị đến việc giúp đỡ hộ nghèo và chăm lo "
                "gia đình chính sách."
            ),
            (
                "Chương trình năm 2023 tập trung vào bảo vệ nền tảng tư tưởng của Đảng, tiếp tục "
                "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, hướng mạnh hoạt "
                "động về cơ sở, nhất là các xã vùng sâu, vùng xa, vùng đặc biệt khó khăn, và "
                "nhân rộng những mô hình đã chứng minh hiệu quả. (Bài viết mẫu.)"
            ),
        ],
        "27/03/2023 17:00",
    ),
    (
        "nhan-dao-xa-hoi",
        "Hơn 200 đơn vị máu từ ngày hội hiến máu ở Mai Châu",
        (
            "Đoàn viên, hội viên và cán bộ, chiến sĩ lực lượng vũ trang huyện Mai Châu cùng "
            "tham gia ngày hội hiến máu tình nguyện do Hội Chữ thập đỏ huyện chủ trì."
        ),
        [
            (
                "Ngay từ sáng sớm, điểm hiến máu đã đông người đến đăng ký. Nhiều bạn trẻ lần "
                "đầu tham gia cho biết được cán bộ Đoàn và Hội Chữ thập đỏ vận động từ thôn, "
                "bản. (Số liệu trong bài là số liệu mẫu.)"
            ),
        ],
        "18/06/2023 09:30",
    ),
    (
        "quoc-phong-an-ninh",
        "Gặp mặt, tặng quà tân binh trước ngày lên đường nhập ngũ",
        (
            "Các huyện trong tỉnh tổ chức gặp mặt thanh niên trúng tuyển nghĩa vụ quân sự, "
            "động viên gia đình và tân binh yên tâm lên đường."
        ),
        [
            (
                "Hội Cựu chiến binh và Đoàn Thanh niên các xã phối hợp với Ban Chỉ huy Quân sự "
                "huyện thăm hỏi gia đình có con lên đường nhập ngũ. (Bài viết mẫu.)"
            ),
        ],
        "08/02/2023 15:00",
    ),
    (
        "chinh-tri",
        'Nhân rộng mô hình "Hũ gạo tình thương" sang các xã vùng cao',
        (
            "Sau hai năm thực hiện, mô hình của Hội Liên hiệp Phụ nữ được Ban Chỉ đạo đánh "
            "giá có hiệu quả và đề nghị nhân rộng."
        ),
        [
            (
                "Mỗi tháng các chi hội góp gạo để giúp hội viên có hoàn cảnh khó khăn, trẻ em "
                "đến trường. Năm 2023 mô hình được triển khai thêm ở một số xã vùng cao. "
                "(Bài viết mẫu.)"
            ),
        ],
        "12/05/2023 10:00",
    ),
    (
        "quoc-phong-an-ninh",
        "Ký kết Chương trình phối hợp hoạt động năm 2026 của tỉnh Phú Thọ",
        (
            "Sau khi sắp xếp đơn vị hành chính, Bộ Chỉ huy Quân sự tỉnh Phú Thọ cùng các tổ "
            "chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh ký kết chương trình năm 2026."
        ),
        [
            (
                "Chương trình kế thừa nội dung của các tỉnh trước sắp xếp, bổ sung phối hợp với "
                "các Ban Chỉ huy Phòng thủ khu vực. (Bài viết mẫu.)"
            ),
        ],
        "13/03/2026 16:00",
    ),
    (
        "nhan-dao-xa-hoi",
        'Chuẩn bị chương trình "Tết nhân ái" năm 2027',
        (
            "Hội Chữ thập đỏ tỉnh Phú Thọ phối hợp với các đoàn thể chuẩn bị quà Tết cho hộ "
            "nghèo, gia đình chính sách."
        ),
        ["Bài đang được biên tập. (Bài viết mẫu.)"],
        None,
    ),
    (
        "chinh-tri",
        "Sơ kết 11 tháng thực hiện Chương trình phối hợp năm 2026",
        "Ban Chỉ đạo tỉnh Phú Thọ sẽ tổ chức sơ kết kết quả phối hợp 11 tháng đầu năm.",
        ["Bài hẹn giờ đăng, chưa hiện ra công chúng trước thời điểm đăng. (Bài viết mẫu.)"],
        "scheduled",
    ),
]
