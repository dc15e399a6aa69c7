"""Demo dossiers: a living one-stop desk for the demo agency.

About 170 dossiers received over the last three months up to the present moment, each one
played through the services (:mod:`motcua.dossiers.services`) with ``at=`` moments in office
hours, by the officers the permissions allow: the desk receives, guides completion, refuses,
receives supplements, returns results and records withdrawals; the handling units' officers and
heads forward, ask for supplements, pause for financial obligations, send back, reject and
apologise; the agency's leaders sign. Every action of every dossier is run in the order of its
moment (a small discrete-event simulation), so that codes follow the order of receipt and a
dossier whose next action would fall after the present moment simply stays where it is — in a
work queue.

Land procedures are the most frequent, as at a real Department of Natural Resources and
Environment; applicants are people and organisations of Cần Thơ with 12-digit personal ID
numbers or 10-digit tax codes. A few dossiers are set up so that every queue has something in
it now: waiting at the desk after guidance to complete, due soon, overdue, waiting for a
supplement or financial obligations, to sign, to return.

Deterministic for a given present moment (seeded random). Run by ``seed_demo``; does nothing if
the agency already has dossiers. Two things are put right after the services ran: each dossier's
``created_at`` (set by the database clock, not by ``at=``) takes its simulated moment, and the
notices queued for three months of history (to applicants and officers, one per action) are
dropped before the background worker would send them.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Procedure, StepKind
from motcua.catalog.models import Status as ProcedureStatus
from motcua.common.text import fold
from motcua.dossiers import permissions, process, services
from motcua.dossiers.filing import ApplicantData, Filing
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierStep,
    ReturnMethod,
    Status,
    StepStatus,
)
from motcua.notify.services import notifications_silenced
from motcua.org.models import Agency, Position, Role, Unit, User
from motcua.worktime.amount import WorkAmount
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.selectors import calendar_for, schedule_for_unit

SEED = 20260325
COUNT = 150
DAYS_BACK = 92

# -- people and places -------------------------------------------------------------------------
SURNAMES = (("Nguyễn", 30), ("Trần", 12), ("Lê", 10), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 5),
            ("Phan", 4), ("Trương", 3), ("Đặng", 3), ("Bùi", 3), ("Đỗ", 2), ("Hồ", 3),
            ("Ngô", 2), ("Dương", 2), ("Lý", 2), ("Lâm", 2), ("Châu", 2), ("Tô", 1), ("Thái", 1),
            ("Quách", 1), ("Kiều", 1), ("Đoàn", 1), ("Mai", 1), ("Cao", 1), ("Lưu", 1), ("Tăng", 1),
            ("Diệp", 1), ("La", 1), ("Hà", 1), ("Từ", 1))
MIDDLE = {"m": ("Văn", "Hữu", "Minh", "Quốc", "Thanh", "Công", "Đức", "Hoàng", "Tấn", "Trọng", "Phước",
                "Chí", "Thành"),
          "f": ("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Mỹ", "Thu", "Bích", "Hồng", "Diễm", "Thúy",
                "Phương")}
GIVEN = {"m": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Khoa", "Lâm", "Long", "Lộc",
               "Minh", "Nam", "Nghĩa", "Phúc", "Quang", "Sang", "Tài", "Thắng", "Thịnh", "Toàn", "Trí",
               "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Duy", "Đạt", "Hưng", "Khải", "Nhân", "Tâm",
               "Thiện", "Hậu", "Kiệt", "Phát", "Lợi"),
         "f": ("Anh", "Châu", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Huyền", "Hương",
               "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương",
               "Quyên", "Tâm", "Thảo", "Thúy", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Xuân", "Yến",
               "Cúc", "Đào", "Ngọc", "Nhi", "Thư")}
STREETS = ("Mậu Thân", "30 Tháng 4", "Nguyễn Văn Cừ", "Trần Hưng Đạo", "Hòa Bình", "Nguyễn Trãi",
           "Lý Tự Trọng", "3 Tháng 2", "Trần Phú", "Hai Bà Trưng", "Phan Đình Phùng", "Võ Văn Kiệt",
           "Cách Mạng Tháng 8", "Trần Quang Diệu", "Lê Hồng Phong", "Trần Văn Khéo", "Huỳnh Cương",
           "Nguyễn An Ninh", "Quang Trung", "Nguyễn Văn Linh", "Võ Nguyên Giáp", "Lê Bình",
           "Đinh Công Tráng", "Tầm Vu", "Bùi Hữu Nghĩa", "Trần Chiên", "Mạc Thiên Tích",
           "Xô Viết Nghệ Tĩnh", "Nguyễn Việt Hồng", "Lê Lai", "Ngô Quyền", "Phạm Ngũ Lão")
WARDS = ("phường Ninh Kiều", "phường Cái Khế", "phường Tân An", "phường An Bình", "phường Bình Thủy",
         "phường Long Tuyền", "phường Cái Răng", "phường Hưng Phú", "phường Ô Môn", "phường Thốt Nốt",
         "phường Thới An Đông", "phường Phước Thới")
COMMUNES = ("xã Phong Điền", "xã Nhơn Ái", "xã Cờ Đỏ", "xã Thới Lai", "xã Vĩnh Thạnh", "xã Trường Long",
            "xã Thạnh An", "xã Đông Thuận")
HAMLETS = ("Nhơn Lộc 1", "Nhơn Lộc 2", "Thới Hòa", "Trường Thọ", "Thới Thạnh", "Mỹ Phụng", "Tân Thạnh",
           "Thạnh Lợi", "Đông Hòa", "Trường Phú")
COMPANY_KINDS = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân",
                 "Hợp tác xã")
COMPANY_NAMES = ("Xây dựng Tây Đô", "Thủy sản Phương Nam", "Địa ốc Ninh Kiều", "Vật liệu xây dựng Cửu Long",
                 "Nông sản Mê Kông", "Khai thác cát Sông Hậu", "Môi trường Xanh Cần Thơ",
                 "Đầu tư Phát triển Cái Răng", "Chế biến Gạo Thốt Nốt", "Nước sạch Ô Môn",
                 "Khảo sát Đo đạc Miền Tây", "Bê tông Hưng Phú", "Du lịch Sinh thái Phong Điền",
                 "Dược phẩm Tây Nam", "Cơ khí Trà Nóc", "Thương mại Dịch vụ An Bình")
PHONE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036",
                  "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084",
                  "085", "086", "088", "089")

#: Weights of the demo catalogue's procedures (national codes); land registration dominates.
WEIGHTS = {"1.012767": 24, "1.012768": 10, "1.012781": 10, "1.012771": 8, "1.004227": 8,
           "1.012772": 7, "1.012766": 6, "1.012782": 6, "1.012769": 5, "1.012770": 4, "1.012790": 1,
           "1.012791": 2, "1.012792": 1, "1.010733": 2, "1.010727": 2}
ORGANISATION_FIELDS = ("moi-truong", "khoang-san", "tai-nguyen-nuoc", "khi-tuong-thuy-van",
                       "bien-hai-dao", "bien-doi-khi-hau", "do-dac-ban-do")

# -- what officers write -------------------------------------------------------------------------
FORWARD_NOTES = ("", "", "Hồ sơ đủ điều kiện, chuyển bước tiếp theo.", "Đã kiểm tra, đề nghị xem xét.",
                 "Đã đối chiếu hồ sơ địa chính, thông tin khớp.", "Chuyển xử lý theo quy trình.",
                 "Đã hoàn thiện, trình ký.")
SUPPLEMENT_ITEMS = (
    "Bản sao có chứng thực Giấy chứng nhận đã cấp (bản đang nộp bị mờ, không đọc được số phát hành)",
    "Hợp đồng chuyển nhượng có công chứng (bản đã nộp thiếu trang 3)",
    "Văn bản thỏa thuận phân chia di sản có chữ ký đủ các đồng thừa kế",
    "Bản vẽ tách thửa có xác nhận của đơn vị đo đạc có giấy phép",
    "Tờ khai lệ phí trước bạ ghi đúng diện tích theo Giấy chứng nhận",
    "Văn bản ủy quyền có công chứng của người sử dụng đất",
    "Báo cáo kết quả quan trắc môi trường 2 đợt gần nhất",
    "Sơ đồ vị trí công trình theo hệ tọa độ VN-2000",
)
REFUSE_REASONS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của Sở (thuộc thẩm quyền của Ủy ban nhân dân cấp xã "
    "theo Luật Đất đai 2024); đề nghị nộp tại Trung tâm Phục vụ hành chính công cấp xã.",
    "Thửa đất đang có quyết định kê biên của cơ quan thi hành án dân sự (khoản 1 Điều 45 Luật Đất đai 2024).",
    "Người nộp không có văn bản ủy quyền hợp lệ của người sử dụng đất.",
)
COMPLETION_NOTES = ("Đề nghị bổ sung đủ giấy tờ theo danh mục, nộp lại tại Bộ phận Một cửa.",
                    "Hướng dẫn một lần, đầy đủ theo Mẫu 02.")
PAUSE_REASONS = ("Nộp tiền sử dụng đất, lệ phí trước bạ theo Thông báo của Cơ quan thuế.",
                 "Nộp thuế thu nhập cá nhân từ chuyển nhượng quyền sử dụng đất theo Thông báo nộp thuế.",
                 "Nộp phí thẩm định hồ sơ theo quy định.")
REJECT_REASONS = (
    "Thửa đất đang có tranh chấp: Ủy ban nhân dân xã đã nhận đơn tranh chấp ranh giới của hộ liền kề.",
    "Diện tích thửa đất sau khi tách nhỏ hơn diện tích tối thiểu theo quy định của Ủy ban nhân dân "
    "thành phố.",
    "Nội dung đề nghị không phù hợp quy hoạch sử dụng đất đã được phê duyệt.",
)
SEND_BACK_NOTES = ("Đề nghị kiểm tra lại diện tích và số tờ bản đồ trên dự thảo Giấy chứng nhận.",
                   "Tờ trình chưa nêu ý kiến của Cơ quan thuế; đề nghị bổ sung.")
APOLOGY_REASONS = ("Cơ quan thuế chưa có Thông báo xác định nghĩa vụ tài chính đúng thời hạn.",
                   "Phải xác minh thêm nguồn gốc sử dụng đất tại Ủy ban nhân dân xã.",
                   "Hội đồng thẩm định chưa họp được do thành viên đi công tác.")
WITHDRAW_REASONS = ("Người nộp hồ sơ có đơn xin rút hồ sơ để thỏa thuận lại hợp đồng.",
                    "Người nộp xin dừng giải quyết do các bên hủy giao dịch.")


@dataclass
class Case:
    """One demo dossier: what will happen to it, and where it is."""

    key: int
    procedure: Procedure
    filing: Filing
    received_at: dt.datetime
    incomplete_first: bool = False
    never_completes: bool = False
    refuse: bool = False
    supplement_after: int | None = None  # request a supplement after this many forwards
    supplement_never: bool = False
    pause_after: int | None = None
    withdraw_after: int | None = None
    reject: bool = False
    send_back: bool = False
    assign: bool = False
    late: bool = False
    apology: bool = False
    pace: tuple[float, float] = (0.25, 0.85)
    return_delay: tuple[int, int] = (20, 900)  # working minutes from result to hand-over
    dossier: Dossier | None = None
    active: list[DossierStep] = field(default_factory=list)  # its active steps, as last read
    forwards: int = 0
    done_flags: set[str] = field(default_factory=set)
    planned: tuple[str, dt.datetime] | None = None  # the action put off by an apology


class _Simulation:
    def __init__(self, agency: Agency, now: dt.datetime, rng: random.Random) -> None:
        self.agency, self.now, self.rng = agency, now, rng
        desk = Unit.objects.get(agency=agency, code="mot-cua")
        self.calendar: WorkCalendar = calendar_for(schedule_for_unit(desk))
        self.tz = self.calendar.tz
        positions = list(Position.objects.active_on().filter(unit__agency=agency)
                         .select_related("user", "unit"))
        self.staff = sorted({p.user for p in positions}, key=lambda u: u.username)
        self.positions = positions
        self.desk_officers = [u for u in self.staff
                              if permissions.is_desk_officer(u, agency.pk)]
        procedures = {p.national_code: p for p in Procedure.objects.filter(
            agency=agency, status=ProcedureStatus.IN_FORCE, current__isnull=False)
            .select_related("current", "field", "agency")}
        self.procedures = [(procedures[c], w) for c, w in WEIGHTS.items() if c in procedures]
        others = [p for c, p in sorted(procedures.items()) if c not in WEIGHTS]
        self.procedures += [(p, 1) for p in others]
        self.documents = {p.pk: list(p.current.documents.order_by("position")) for p, _ in self.procedures}
        self._actors: dict[tuple, list[User]] = {}
        self.people: list[ApplicantData] = []
        self.heap: list[tuple[dt.datetime, int, int, str]] = []
        self.cases: dict[int, Case] = {}
        self.counter = itertools.count()
        self.actions = 0

    # -- random data -----------------------------------------------------------------------
    def _pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights)[0]

    def _phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def _address(self) -> str:
        r = self.rng
        if r.random() < 0.7:
            number = f"{r.randint(1, 320)}" + (f"/{r.randint(1, 40)}" if r.random() < 0.3 else "")
            return f"{number} {r.choice(STREETS)}, {r.choice(WARDS)}, thành phố Cần Thơ"
        return f"ấp {r.choice(HAMLETS)}, {r.choice(COMMUNES)}, thành phố Cần Thơ"

    def _person(self) -> ApplicantData:
        r = self.rng
        if self.people and r.random() < 0.08:  # a returning applicant, found again by ID number
            return self.people[r.randrange(len(self.people))]
        sex = r.choice("mf")
        surname, given = self._pick(SURNAMES), r.choice(GIVEN[sex])
        name = f"{surname} {r.choice(MIDDLE[sex])} {given}"
        born = r.randint(1955, 2004)
        century_sex = (0 if sex == "m" else 1) + (2 if born >= 2000 else 0)
        id_number = f"092{century_sex}{born % 100:02d}{r.randrange(10**6):06d}"
        email = ""
        if r.random() < 0.45:
            email = f"{fold(given)}.{fold(surname)}{r.randint(1, 99)}@gmail.com".replace(" ", "")
        person = ApplicantData(name=name, id_number=id_number, kind=ApplicantKind.PERSON,
                               phone=self._phone(), email=email, address=self._address())
        self.people.append(person)
        return person

    def _organisation(self) -> ApplicantData:
        r = self.rng
        base = r.choice(COMPANY_NAMES)
        name = f"{r.choice(COMPANY_KINDS)} {base}"
        tax_code = f"18{r.randrange(10**8):08d}"
        slug = fold(base).replace(" ", "")[:16]
        return ApplicantData(name=name, id_number=tax_code, kind=ApplicantKind.ORGANISATION,
                             phone=f"0292{r.randrange(10**6):06d}" if r.random() < 0.6 else self._phone(),
                             email=f"lienhe@{slug}.com.vn", address=self._address())

    def _request(self, procedure: Procedure) -> str:
        r = self.rng
        if procedure.field and procedure.field.code == "dat-dai":
            place = r.choice(WARDS + COMMUNES)
            return (f"{procedure.name[:300]} — thửa đất số {r.randint(1, 980)}, tờ bản đồ số "
                    f"{r.randint(1, 75)}, {place}")
        return ""

    def _filing(self, procedure: Procedure, *, complete: bool = True) -> Filing:
        r = self.rng
        organisation = ((procedure.field and procedure.field.code in ORGANISATION_FIELDS
                         and r.random() < 0.85)
                        or procedure.national_code in ("1.012790", "1.012791", "1.012792")
                        or r.random() < 0.05)
        applicant = self._organisation() if organisation else self._person()
        docs = self.documents[procedure.pk]
        ids = [d.pk for d in docs if d.mandatory or r.random() < 0.35]
        if not complete:
            left_out = r.choice([d.pk for d in docs if d.mandatory])
            ids = [i for i in ids if i != left_out]
        channel = self._pick(((Channel.DIRECT, 70), (Channel.ONLINE, 24), (Channel.POST, 6)))
        by_post = procedure.current.post_return and r.random() < 0.15
        return Filing(procedure=procedure, channel=channel, applicant=applicant, documents_received=ids,
                      request=self._request(procedure), sets=1 if r.random() < 0.9 else 2,
                      return_method=ReturnMethod.POST if by_post else ReturnMethod.DESK,
                      return_address=applicant.address if by_post else "")

    # -- time ----------------------------------------------------------------------------------
    def _later(self, at: dt.datetime, minutes: int) -> dt.datetime:
        return self.calendar.add(at, WorkAmount.mins(max(1, int(minutes))))

    def _receipt_moment(self, day: dt.date) -> dt.datetime | None:
        if not self.calendar.is_working_day(day):
            return None
        for _attempt in range(20):
            minute = int(self.rng.triangular(7 * 60 + 30, 17 * 60, 9 * 60 + 30))
            moment = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), self.tz)
            if self.calendar.is_working_time(moment) and moment < self.now:
                return moment
        return None

    def _working_days_before(self, days: int, minute: int = 9 * 60) -> dt.datetime:
        """A moment in office hours ``days`` working days before today (at ``minute`` past
        midnight, or the next working moment), and before the present moment."""
        cal = self.calendar
        day = cal.local(self.now).date()
        while True:
            if cal.is_working_day(day):
                if days <= 0:
                    moment = cal.next_working_moment(
                        dt.datetime.combine(day, dt.time(minute // 60, minute % 60), self.tz))
                    if moment <= self.now - dt.timedelta(minutes=30):
                        return moment
                days -= 1
            day -= dt.timedelta(days=1)

    # -- who acts ----------------------------------------------------------------------------
    def _actor(self, step: DossierStep | None, *, lead: bool = False) -> User:
        """An officer the permissions allow on ``step`` (the desk when ``step`` is None): the
        assignee, else someone of the step's own unit and role, else the nearest leader."""
        if step is None:
            return self.rng.choice(self.desk_officers)
        if step.assignee_id and not lead and permissions.works_on_step(step.assignee, step):
            return step.assignee
        key = (step.unit_id, step.role, lead)
        if key not in self._actors:
            allowed = permissions.leads_step if lead else permissions.works_on_step
            candidates = [u for u in self.staff if allowed(u, step)]

            def rank(user: User) -> int:
                mine = [p for p in self.positions if p.user_id == user.pk]
                if any(p.unit_id == step.unit_id and (p.role == step.role or not step.role) for p in mine):
                    return 0
                if any(p.unit_id == step.unit_id for p in mine):
                    return 1
                if any(p.role == Role.UNIT_HEAD for p in mine):
                    return 2
                return 3

            best = min((rank(u) for u in candidates), default=None)
            self._actors[key] = [u for u in candidates if rank(u) == best]
        choices = self._actors[key]
        if not choices:
            raise RuntimeError(f"no demo officer may act on step {step.name!r}")
        return self.rng.choice(choices)

    def _specialist_of(self, unit_id: int) -> User | None:
        found = [p.user for p in self.positions if p.unit_id == unit_id and p.role == Role.SPECIALIST]
        return self.rng.choice(found) if found else None

    # -- the plan ------------------------------------------------------------------------------
    def add_case(self, case: Case) -> None:
        self.cases[case.key] = case
        first = "refuse" if case.refuse else ("request_completion" if case.incomplete_first else "accept")
        self._push(case, first, case.received_at)

    def _push(self, case: Case, action: str, at: dt.datetime) -> None:
        if at <= self.now:
            heapq.heappush(self.heap, (at, next(self.counter), case.key, action))

    def run(self) -> None:
        while self.heap:
            at, _n, key, action = heapq.heappop(self.heap)
            case = self.cases[key]
            getattr(self, f"_do_{action}")(case, at)
            self.actions += 1

    def _refresh(self, case: Case) -> list[DossierStep]:
        case.active = list(DossierStep.objects.filter(dossier=case.dossier, status=StepStatus.ACTIVE)
                           .select_related("unit", "assignee").order_by("id"))
        return case.active

    def _plan_next(self, case: Case, at: dt.datetime) -> None:
        """Decide the dossier's next action (and when) from where it is now."""
        d, r = case.dossier, self.rng
        if d.status == Status.READY:
            self._push(case, "return", self._later(at, r.randint(*case.return_delay)))
            return
        if d.status != Status.PROCESSING:
            return
        active = self._refresh(case)
        if not active:
            return
        step = active[0]
        if case.withdraw_after == case.forwards and "withdraw" not in case.done_flags:
            self._push(case, "withdraw", self._later(at, r.randint(60, 1500)))
            return
        if case.supplement_after == case.forwards and "supplement" not in case.done_flags:
            self._push(case, "request_supplement", self._later(at, r.randint(60, 900)))
            return
        if case.pause_after == case.forwards and "pause" not in case.done_flags:
            self._push(case, "pause", self._later(at, r.randint(30, 600)))
            return
        if (case.assign and "assign" not in case.done_flags and step.role == Role.SPECIALIST
                and not step.assignee_id and self._specialist_of(step.unit_id)):
            self._push(case, "assign", self._later(at, r.randint(10, 120)))
            return
        decision = process.approval_index(d.version)
        index = process.stage_index(d.version, step.process_step_id)
        if case.send_back and "send_back" not in case.done_flags and step.kind == StepKind.REVIEW:
            self._push(case, "send_back", self._later(at, r.randint(60, 400)))
            return
        if case.reject and step.kind in (StepKind.REVIEW, StepKind.APPROVE):
            self._push(case, "reject", self._later(at, r.randint(60, 600)))
            return
        allotted = step.allotted_minutes or 60
        minutes = allotted * r.uniform(*case.pace)
        if case.late and "slow" not in case.done_flags and step.kind in (
                StepKind.APPRAISE, StepKind.CONSULT, StepKind.FIELD_INSPECTION, StepKind.REVIEW):
            case.done_flags.add("slow")
            # this step runs past the dossier's due moment by one to four working days
            left = max(0, self.calendar.position(d.due_at) - self.calendar.position(at))
            minutes = left + r.randint(480, 4 * 480)
        minutes = max(minutes, r.randint(10, 45))
        action = "approve" if index == decision else "forward"
        when = self._later(at, minutes)
        if case.apology and "apology" not in case.done_flags and when > d.due_at:
            apology_at = max(self._later(at, 5), d.due_at - dt.timedelta(hours=3))
            if apology_at < d.due_at:
                case.planned = (action, when)
                self._push(case, "apologize", apology_at)
                return
        self._push(case, action, when)

    # -- the actions ---------------------------------------------------------------------------
    def _do_accept(self, case: Case, at: dt.datetime) -> None:
        if case.incomplete_first:
            case.filing = self._complete(case.filing)
        case.dossier = services.accept_dossier(actor=self._actor(None), filing=case.filing, at=at,
                                               dossier=case.dossier)
        self._plan_next(case, at)

    def _complete(self, filing: Filing) -> Filing:
        docs = self.documents[filing.procedure.pk]
        ids = sorted({*filing.documents_received, *(d.pk for d in docs if d.mandatory)})
        return Filing(**{**filing.__dict__, "documents_received": ids})

    def _do_request_completion(self, case: Case, at: dt.datetime) -> None:
        docs = {d.pk: d for d in self.documents[case.procedure.pk]}
        received = set(case.filing.documents_received)
        missing = [d.name for i, d in docs.items() if d.mandatory and i not in received]
        case.dossier = services.request_completion(
            actor=self._actor(None), filing=case.filing, missing=missing,
            note=self.rng.choice(COMPLETION_NOTES), at=at)
        if not case.never_completes:
            self._push(case, "accept", self._later(at, self.rng.randint(480, 6 * 480)))

    def _do_refuse(self, case: Case, at: dt.datetime) -> None:
        case.dossier = services.refuse_dossier(actor=self._actor(None), filing=case.filing,
                                               reason=self.rng.choice(REFUSE_REASONS), at=at)

    def _step_action(self, case: Case, at: dt.datetime, verb: Callable, *, lead: bool = False,
                     **kwargs) -> None:
        step = case.active[0]
        case.dossier = verb(actor=self._actor(step, lead=lead), dossier=case.dossier, step=step.pk,
                            at=at, **kwargs)

    def _do_forward(self, case: Case, at: dt.datetime) -> None:
        step = case.active[0]
        optional = any(s.optional for s in _next_stage(case.dossier, step))
        self._step_action(case, at, services.forward, note=self.rng.choice(FORWARD_NOTES),
                          include_optional=optional and self.rng.random() < 0.3)
        case.forwards += 1
        self._plan_next(case, at)

    def _do_approve(self, case: Case, at: dt.datetime) -> None:
        self._step_action(case, at, services.approve, note="Đồng ý.")
        case.forwards += 1
        self._plan_next(case, at)

    def _do_assign(self, case: Case, at: dt.datetime) -> None:
        step = case.active[0]
        case.done_flags.add("assign")
        case.dossier = services.assign_step(
            actor=self._actor(step, lead=True), dossier=case.dossier, step=step.pk,
            assignee=self._specialist_of(step.unit_id), note="Giao chuyên viên thụ lý.", at=at)
        self._plan_next(case, at)

    def _do_send_back(self, case: Case, at: dt.datetime) -> None:
        case.done_flags.add("send_back")
        self._step_action(case, at, services.send_back, lead=True, note=self.rng.choice(SEND_BACK_NOTES))
        self._plan_next(case, at)

    def _do_reject(self, case: Case, at: dt.datetime) -> None:
        self._step_action(case, at, services.reject, lead=True, reason=self.rng.choice(REJECT_REASONS))
        self._plan_next(case, at)

    def _do_request_supplement(self, case: Case, at: dt.datetime) -> None:
        case.done_flags.add("supplement")
        items = self.rng.sample(SUPPLEMENT_ITEMS, self.rng.randint(1, 2))
        self._step_action(case, at, services.request_supplement, items=items,
                          note="Đề nghị Bộ phận Một cửa thông báo người nộp bổ sung.")
        if not case.supplement_never:
            self._push(case, "receive_supplement", self._later(at, self.rng.randint(480, 8 * 480)))

    def _do_receive_supplement(self, case: Case, at: dt.datetime) -> None:
        case.dossier = services.receive_supplement(actor=self._actor(None), dossier=case.dossier,
                                                   note="Người nộp đã bổ sung đủ.", at=at)
        self._plan_next(case, at)

    def _do_pause(self, case: Case, at: dt.datetime) -> None:
        case.done_flags.add("pause")
        d = case.dossier
        case.dossier = services.pause(actor=self._actor(case.active[0]), dossier=d,
                                      reason=self.rng.choice(PAUSE_REASONS), at=at)
        if not case.supplement_never:
            self._push(case, "resume", self._later(at, self.rng.randint(480, 6 * 480)))

    def _do_resume(self, case: Case, at: dt.datetime) -> None:
        case.dossier = services.resume(actor=self._actor(None), dossier=case.dossier,
                                       note="Người nộp đã nộp chứng từ hoàn thành nghĩa vụ tài chính.", at=at)
        self._plan_next(case, at)

    def _do_apologize(self, case: Case, at: dt.datetime) -> None:
        case.done_flags.add("apology")
        d = case.dossier
        new_due = self.calendar.closing(self.calendar.add_workdays(self.calendar.local(d.due_at).date(),
                                                                   self.rng.randint(3, 6)))
        step = case.active[0]
        case.dossier = services.apologize(actor=self._actor(step, lead=True), dossier=d, new_due_at=new_due,
                                          reason=self.rng.choice(APOLOGY_REASONS), at=at)
        if case.planned:
            action, when = case.planned
            case.planned = None
            self._push(case, action, when)

    def _do_withdraw(self, case: Case, at: dt.datetime) -> None:
        case.done_flags.add("withdraw")
        case.dossier = services.withdraw(actor=self._actor(None), dossier=case.dossier,
                                         reason=self.rng.choice(WITHDRAW_REASONS), at=at)

    def _do_return(self, case: Case, at: dt.datetime) -> None:
        d = case.dossier
        if d.return_method == ReturnMethod.POST:
            case.dossier = services.return_result(
                actor=self._actor(None), dossier=d, method=ReturnMethod.POST,
                tracking_number=f"EL{self.rng.randrange(10**9):09d}VN", at=at)
        else:
            who = d.applicant_name
            if d.applicant_kind == ApplicantKind.ORGANISATION or self.rng.random() < 0.1:
                sex = self.rng.choice("mf")
                who = (f"{self._pick(SURNAMES)} {self.rng.choice(MIDDLE[sex])} "
                       f"{self.rng.choice(GIVEN[sex])} (người được ủy quyền)")
            case.dossier = services.return_result(actor=self._actor(None), dossier=d,
                                                  method=ReturnMethod.DESK, received_by=who, at=at)


def _next_stage(dossier: Dossier, step: DossierStep):
    stages = process.stages(dossier.version)
    index = process.stage_index(dossier.version, step.process_step_id)
    return stages[index + 1] if 0 <= index < len(stages) - 1 else ()


def _cases(sim: _Simulation, count: int) -> list[Case]:
    """What happens to each demo dossier: mostly the plain path, and the law's other paths."""
    r = sim.rng
    today = sim.calendar.local(sim.now).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS_BACK, -1, -1)]
    cases: list[Case] = []
    key = itertools.count()
    while len(cases) < count:
        day = r.choice(days)
        moment = sim._receipt_moment(day)
        if moment is None:
            continue
        procedure = sim._pick(sim.procedures)
        roll = r.random()
        case = Case(key=next(key), procedure=procedure, filing=sim._filing(procedure), received_at=moment)
        if roll < 0.05:
            case.incomplete_first = True
            case.filing = sim._filing(procedure, complete=False)
            case.never_completes = r.random() < 0.25
        elif roll < 0.07:
            case.refuse = True
        elif roll < 0.15:
            case.supplement_after = r.randint(1, 2)
        elif roll < 0.19:
            case.pause_after = r.randint(1, 3)
        elif roll < 0.21:
            case.withdraw_after = r.randint(0, 2)
        elif roll < 0.24:
            case.reject = True
        elif roll < 0.27:
            case.send_back = True
        elif roll < 0.30:
            case.late, case.apology = True, r.random() < 0.5
        case.assign = r.random() < 0.3
        cases.append(case)
    return cases + _showcase(sim, key)


def _showcase(sim: _Simulation, key) -> list[Case]:
    """Dossiers placed so that every work queue has something in it now."""
    r = sim.rng
    by_code = {p.national_code: p for p, _w in sim.procedures}
    land = by_code.get("1.012767") or sim.procedures[0][0]
    cases = []

    def case(received: dt.datetime, procedure: Procedure = land, **flags) -> Case:
        complete = not flags.get("incomplete_first")
        made = Case(key=next(key), procedure=procedure, filing=sim._filing(procedure, complete=complete),
                    received_at=received, **flags)
        cases.append(made)
        return made

    # waiting at the desk: guided to complete, not back yet
    for days in (0, 1, 2):
        case(sim._working_days_before(days, r.randint(8 * 60, 10 * 60)), incomplete_first=True,
             never_completes=True)
    # overdue: a slow step ran past the due moment (8 working days) and is not finished
    for days in (9, 10, 11):
        case(sim._working_days_before(days, r.randint(8 * 60, 15 * 60)), late=True)
    # due soon: received 7 working days ago, worked at the full allotted pace
    for _i in range(3):
        case(sim._working_days_before(7, r.randint(8 * 60, 10 * 60)), pace=(0.97, 1.0))
    # waiting for a supplement, and for financial obligations
    for days in (4, 6):
        case(sim._working_days_before(days), supplement_after=1, supplement_never=True)
    case(sim._working_days_before(5), pause_after=2, supplement_never=True)
    # results waiting at the desk
    for _i in range(3):
        case(sim._working_days_before(6, r.randint(8 * 60, 10 * 60)), pace=(0.5, 0.6),
             return_delay=(6000, 9000))
    return cases


def load_demo_dossiers(agency: Agency, *, now: dt.datetime | None = None, count: int = COUNT,
                       seed: int = SEED) -> int | None:
    """Play the demo dossiers through the services; ``None`` if the agency has dossiers already."""
    if Dossier.objects.filter(agency=agency).exists():
        return None
    if not Procedure.objects.filter(agency=agency, current__isnull=False).exists():
        return None
    now = now or timezone.now()
    # Three months of history are not news: the actions played into the past tell no one.
    with transaction.atomic(), notifications_silenced():
        sim = _Simulation(agency, now, random.Random(seed))
        for case in _cases(sim, count):
            sim.add_case(case)
        sim.run()
        # ``created_at`` is set by the database clock, not by ``at=``: put the simulated moment
        for case in sim.cases.values():
            if case.dossier is not None:
                Dossier.objects.filter(pk=case.dossier.pk).update(created_at=case.received_at)
    return Dossier.objects.filter(agency=agency).count()


