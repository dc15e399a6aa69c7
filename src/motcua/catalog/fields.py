"""The fields of administrative procedures (lĩnh vực) that a Department of Natural Resources and
Environment and its neighbours publish, as named in the national procedure database. New
installations start with them; administrators add others."""

STANDARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("dat-dai", "Đất đai"),
    ("moi-truong", "Môi trường"),
    ("tai-nguyen-nuoc", "Tài nguyên nước"),
    ("khoang-san", "Địa chất và khoáng sản"),
    ("do-dac-ban-do", "Đo đạc, bản đồ và thông tin địa lý"),
    ("khi-tuong-thuy-van", "Khí tượng thủy văn"),
    ("bien-hai-dao", "Biển và hải đảo"),
    ("bien-doi-khi-hau", "Biến đổi khí hậu"),
    ("vien-tham", "Viễn thám"),
    ("xay-dung", "Xây dựng"),
)
