//! Validation errors. Each names the field at fault and carries a machine
//! code; the message is rendered in the user's language at the edge.

use crate::Lang;
use std::fmt;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    /// The value cannot be read as what the field holds (a date, a number…).
    Malformed {
        expected: &'static str,
    },
    /// A number outside its allowed range.
    OutOfRange {
        min: String,
        max: String,
    },
    /// The due date lies before the start date.
    DueBeforeStart,
    /// A referenced row (unit, person, task…) does not exist.
    UnknownReference {
        what: &'static str,
        id: String,
    },
    /// The value must be unique and is already taken.
    Duplicate {
        value: String,
    },
    /// The change would make a task its own ancestor or predecessor.
    Cycle,
    /// The same thing listed twice, or a unit both leading and supporting.
    Conflicting {
        detail: &'static str,
    },
    /// The caller's role may not change this field.
    NotAllowed,
    /// Text holding an invisible control character (anything below U+0020
    /// but tab and newline, DEL, U+0080–U+009F, U+FFFE/U+FFFF): such text
    /// breaks the Word and Excel files made from the ledger.
    ControlCharacter {
        code_point: u32,
    },
    /// More entries than a list may hold.
    TooMany {
        max: usize,
    },
    /// A password that is too easy to guess (too short, blank, common, or
    /// the username itself).
    WeakPassword {
        reason: &'static str,
    },
}

impl Problem {
    /// A stable machine code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::Malformed { .. } => "malformed",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::DueBeforeStart => "due_before_start",
            Problem::UnknownReference { .. } => "unknown_reference",
            Problem::Duplicate { .. } => "duplicate",
            Problem::Cycle => "cycle",
            Problem::Conflicting { .. } => "conflicting",
            Problem::NotAllowed => "not_allowed",
            Problem::ControlCharacter { .. } => "control_character",
            Problem::TooMany { .. } => "too_many",
            Problem::WeakPassword { .. } => "weak_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        FieldError { field: field.into(), problem }
    }

    /// The message a person reads, naming the field in their language.
    pub fn message(&self, lang: Lang) -> String {
        let name = field_label(&self.field, lang);
        match (&self.problem, lang) {
            (Problem::Required, Lang::Zh) => format!("{name}不能为空"),
            (Problem::Required, Lang::En) => format!("{name} is required"),
            (Problem::TooLong { max }, Lang::Zh) => format!("{name}不能超过{max}个字符"),
            (Problem::TooLong { max }, Lang::En) => format!("{name} must be at most {max} characters"),
            (Problem::Malformed { expected }, Lang::Zh) => {
                format!("{name}格式不正确，应为{}", expected_label(expected, lang))
            }
            (Problem::Malformed { expected }, Lang::En) => {
                format!("{name} is not valid: expected {}", expected_label(expected, lang))
            }
            (Problem::OutOfRange { min, max }, Lang::Zh) => format!("{name}应在{min}到{max}之间"),
            (Problem::OutOfRange { min, max }, Lang::En) => format!("{name} must be between {min} and {max}"),
            (Problem::DueBeforeStart, Lang::Zh) => format!("{name}不能早于开始日期"),
            (Problem::DueBeforeStart, Lang::En) => format!("{name} cannot be before the start date"),
            (Problem::UnknownReference { what, id }, Lang::Zh) => {
                format!("{name}：找不到{}（{id}）", field_label(what, lang))
            }
            (Problem::UnknownReference { what, id }, Lang::En) => {
                format!("{name}: no such {} ({id})", field_label(what, lang))
            }
            // A race caught by the database's unique index may not know the value.
            (Problem::Duplicate { value }, Lang::Zh) if value.is_empty() => format!("该{name}已存在"),
            (Problem::Duplicate { value }, Lang::En) if value.is_empty() => format!("this {name} already exists"),
            (Problem::Duplicate { value }, Lang::Zh) => format!("{name}“{value}”已存在"),
            (Problem::Duplicate { value }, Lang::En) => format!("{name} \"{value}\" already exists"),
            (Problem::Cycle, Lang::Zh) => format!("{name}会形成循环"),
            (Problem::Cycle, Lang::En) => format!("{name} would create a cycle"),
            (Problem::Conflicting { detail }, _) => format!("{name}：{}", conflict_label(detail, lang)),
            (Problem::NotAllowed, Lang::Zh) => format!("您的角色不能修改{name}"),
            (Problem::NotAllowed, Lang::En) => format!("your role may not change {name}"),
            (Problem::ControlCharacter { code_point }, Lang::Zh) => {
                format!("{name}含有不可见的控制字符（U+{code_point:04X}），请删除后重试")
            }
            (Problem::ControlCharacter { code_point }, Lang::En) => {
                format!("{name} contains an invisible control character (U+{code_point:04X}): remove it")
            }
            (Problem::TooMany { max }, Lang::Zh) => format!("{name}最多{max}个"),
            (Problem::TooMany { max }, Lang::En) => format!("{name}: at most {max}"),
            (Problem::WeakPassword { reason }, _) => format!("{name}{}", weak_password_label(reason, lang)),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// One or more field errors: input that was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// Every error as a sentence in `lang`, in order.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        self.0.iter().map(|e| e.message(lang)).collect()
    }

    pub fn one(field: impl Into<String>, problem: Problem) -> Self {
        Invalid(vec![FieldError::new(field, problem)])
    }

    pub fn push(&mut self, field: impl Into<String>, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    /// `Ok(value)` when no error was collected.
    pub fn into_result<T>(self, value: T) -> Result<T, Invalid> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

fn expected_label(expected: &str, lang: Lang) -> &'static str {
    match expected {
        "date" => lang.pick("日期（如2021-06-30）", "a date like 2021-06-30"),
        "decimal" => lang.pick("数字（最多4位小数）", "a number with at most 4 decimals"),
        "email" => lang.pick("电子邮件地址（如 name@example.gov.cn）", "an e-mail address like name@example.gov.cn"),
        "http_url" => lang.pick("以 http:// 开头的内网地址", "an intranet address starting with http://"),
        "evidence" => lang.pick("JPEG、PNG 图片或 PDF 文件", "a JPEG or PNG image or a PDF file"),
        "code" => lang.pick("不含空格的编号（如1-3）", "a code without spaces, like 1-3"),
        "integer" => lang.pick("整数", "a whole number"),
        "time" => lang.pick("时间（如09:00）", "a time like 09:00"),
        "role" => lang.pick("admin、supervisor、leader 或 liaison", "admin, supervisor, leader or liaison"),
        "report_deadline" => lang.pick(
            "“周几 时:分”（如thu 12:00）或“每月几日 时:分”（如25 12:00）",
            "\"weekday HH:MM\" like thu 12:00, or \"day-of-month HH:MM\" like 25 12:00",
        ),
        "document_format" => lang.pick("docx、xlsx 或 html", "docx, xlsx or html"),
        _ => lang.pick("有效的值", "a valid value"),
    }
}

fn weak_password_label(reason: &str, lang: Lang) -> &'static str {
    match reason {
        "short" => lang.pick("至少需要8个字符", " must be at least 8 characters"),
        "long" => lang.pick("不能超过128个字符", " must be at most 128 characters"),
        "blank" => lang.pick("不能全是空格", " cannot be only spaces"),
        "username" => lang.pick("不能与用户名相同", " cannot be the username"),
        "repetitive" => lang.pick("不能只由一个字符重复组成", " cannot be one character repeated"),
        _ => lang.pick("过于常见，容易被猜中，请换一个", " is too common and easy to guess: choose another"),
    }
}

fn conflict_label(detail: &str, lang: Lang) -> &'static str {
    match detail {
        "lead_unit_also_supporting" => {
            lang.pick("责任单位不能同时是配合单位", "the lead unit cannot also be a supporting unit")
        }
        "changed_since_preview" => lang.pick(
            "台账在预览之后被修改过，未写入任何内容，请重新预览后导入",
            "the ledger changed after the preview: nothing was written, preview again",
        ),
        "import_started" => lang.pick("该导入已经开始或已完成", "this import has already started or finished"),
        "import_gone" => lang.pick("该导入已不在，请重新上传文件", "this import is gone: upload the file again"),
        "self_relation" => lang.pick("任务不能与自身关联", "a task cannot relate to itself"),
        "self_parent" => lang.pick("任务不能是自己的上级任务", "a task cannot be its own parent"),
        "parent_other_key_work" => {
            lang.pick("上级任务必须属于同一项重点工作", "the parent task must belong to the same key work")
        }
        "liaison_needs_unit" => lang.pick("联络员必须绑定单位", "a liaison must be bound to a unit"),
        "extension_not_later" => {
            lang.pick("申请的日期须晚于现在的日期", "the requested date must be later than the current one")
        }
        "report_step" => lang.pick("该填报当前的状态不允许此操作", "the report's state does not allow this step"),
        "report_period" => lang.pick(
            "不是该重点工作的填报周期，或周期尚未开始",
            "not a reporting period of this key work, or not begun yet",
        ),
        "coordination_needs_addressee" => lang
            .pick("需协调事项须指明协调的领导或单位", "a request for coordination needs a leader or unit to address"),
        "own_account" => lang.pick(
            "不能停用自己的账号或取消自己的管理员角色",
            "you cannot disable your own account or drop its admin role",
        ),
        "deadline_cadence" => lang.pick(
            "每周、每两周填报的截止时间应为周几，每月填报的应为几日",
            "weekly and fortnightly reports need a weekday deadline, monthly reports a day of the month",
        ),
        "sub_task_code_too_long" => lang.pick(
            "上级任务的编号太长，其下任务的编号将超过32个字符",
            "the parent's code is too long: a task under it would get a code of more than 32 characters",
        ),
        "deadline_before_meeting" => lang.pick("不能早于会议日期", "cannot be before the meeting's date"),
        "key_work_not_of_meeting" => lang.pick("须是本次例会涉及的重点工作", "must be one of the meeting's key works"),
        "meeting_has_decisions" => {
            lang.pick("已有议定事项（已交办任务），不能删除", "it has decisions (assigned tasks) and cannot be deleted")
        }
        "task_closed" => {
            lang.pick("交办的任务已办结，不能再修改", "the assigned task is closed and can no longer change")
        }
        "in_use" => lang.pick("仍被其他记录引用，不能删除", "still referenced by other records; cannot delete"),
        "future_period" => lang.pick("不能晚于今天", "cannot lie in the future"),
        _ => lang.pick("与其他字段冲突", "conflicts with another field"),
    }
}

/// The name of a field as users know it.
pub fn field_label(field: &str, lang: Lang) -> String {
    match field {
        "target.value" => return lang.pick("目标值", "target value").to_string(),
        "target.measure" => return lang.pick("计量单位", "measure word").to_string(),
        _ => {}
    }
    // Nested fields ("milestones[2].title") keep their position prefix.
    let (prefix, leaf) = match field.rfind('.') {
        Some(i) => (&field[..=i], &field[i + 1..]),
        None => ("", field),
    };
    let label = match leaf {
        "name" => lang.pick("名称", "name"),
        "short_name" => lang.pick("简称", "short name"),
        "title" => lang.pick("标题", "title"),
        "code" => lang.pick("编号", "code"),
        "description" => lang.pick("说明", "description"),
        "unit_id" | "unit" => lang.pick("单位", "unit"),
        "person" => lang.pick("人员", "person"),
        "task" => lang.pick("任务", "task"),
        "key_work_id" | "key_work" => lang.pick("重点工作", "key work"),
        "lead_body_unit_id" => lang.pick("牵头机构", "lead body"),
        "lead_leader_id" => lang.pick("牵头领导", "lead leader"),
        "parent_id" => lang.pick("上级任务", "parent task"),
        "lead_unit_id" => lang.pick("责任单位", "lead unit"),
        "supporting_unit_ids" => lang.pick("配合单位", "supporting units"),
        "leader_ids" => lang.pick("责任领导", "responsible leaders"),
        "priority" => lang.pick("轻重缓急", "priority"),
        "status" => lang.pick("状态", "status"),
        "start_date" => lang.pick("开始日期", "start date"),
        "due_date" => lang.pick("完成时限", "due date"),
        "target" | "target.value" => lang.pick("目标值", "target value"),
        "measure" => lang.pick("计量单位", "measure word"),
        "planned_investment" => lang.pick("计划投资", "planned investment"),
        "completed_investment" => lang.pick("完成投资", "completed investment"),
        "percent_complete" => lang.pick("完成进度", "percent complete"),
        "tags" => lang.pick("标签", "tags"),
        "planned_date" => lang.pick("计划日期", "planned date"),
        "planned_value" => lang.pick("计划值", "planned value"),
        "actual_date" => lang.pick("实际完成日期", "actual date"),
        "actual_value" => lang.pick("实际值", "actual value"),
        "done" => lang.pick("是否完成", "done"),
        "predecessor_id" => lang.pick("前序任务", "preceding task"),
        "successor_id" => lang.pick("后续任务", "following task"),
        "lag_days" => lang.pick("间隔天数", "lag in days"),
        "username" => lang.pick("用户名", "username"),
        "role" => lang.pick("角色", "role"),
        "password" => lang.pick("密码", "password"),
        "version" => lang.pick("版本号", "version"),
        "sort_order" => lang.pick("排序", "sort order"),
        "report_deadline" => lang.pick("填报截止时间", "report deadline"),
        "cadence" | "report_cadence" => lang.pick("填报周期", "reporting period"),
        "progress" => lang.pick("进展情况", "progress"),
        "investment_this_period" => lang.pick("本期完成投资", "investment this period"),
        "problems" => lang.pick("存在问题", "problems"),
        "next_steps" => lang.pick("下步计划", "next steps"),
        "coordination" => lang.pick("需协调事项", "coordination needed"),
        "coordination_leader_id" => lang.pick("协调领导", "leader asked to coordinate"),
        "coordination_unit_id" => lang.pick("协调单位", "unit asked to coordinate"),
        "return_reason" => lang.pick("退回理由", "reason for returning"),
        "period" | "period_start" => lang.pick("填报周期", "reporting period"),
        "file" => lang.pick("附件", "file"),
        "text" => lang.pick("内容", "text"),
        "reply" => lang.pick("反馈", "feedback"),
        "email" => lang.pick("电子邮件", "e-mail"),
        "person_id" => lang.pick("对应人员", "linked person"),
        "url" => lang.pick("机器人地址", "robot address"),
        "kind" => lang.pick("类型", "kind"),
        "format" => lang.pick("文件格式", "file format"),
        "secret" => lang.pick("签名密钥", "signing secret"),
        "dedupe_key" => lang.pick("去重键", "deduplication key"),
        "link" => lang.pick("链接", "link"),
        "respond_within_days" => lang.pick("反馈期限（天）", "days to answer"),
        "requested_date" => lang.pick("申请延期至", "requested date"),
        "reason" => lang.pick("理由", "reason"),
        "note" => lang.pick("审批意见", "decision note"),
        "milestone_id" => lang.pick("时间节点", "milestone"),
        "report" => lang.pick("进展填报", "progress report"),
        "display_name" => lang.pick("姓名", "name"),
        "disabled" => lang.pick("停用", "disabled"),
        "route" => lang.pick("接口", "endpoint"),
        "milestone" => lang.pick("时间节点", "milestone"),
        "relation" => lang.pick("前后序关系", "relation"),
        "user" => lang.pick("用户", "user"),
        "api_token" => lang.pick("API令牌", "API token"),
        "expires_in_days" => lang.pick("有效天数", "days valid"),
        "user_id" => lang.pick("账号", "account"),
        "q" => lang.pick("搜索内容", "search text"),
        "key_work_ids" => lang.pick("重点工作", "key works"),
        "held_on" => lang.pick("会议日期", "meeting date"),
        "starts_at" => lang.pick("开始时间", "start time"),
        "place" => lang.pick("会议地点", "place"),
        "chair_id" => lang.pick("主持人", "chair"),
        "attendees" => lang.pick("参会人员", "attendees"),
        "minutes" => lang.pick("会议记录", "minutes"),
        "content" => lang.pick("议定事项", "decision"),
        "deadline" => lang.pick("完成时限", "deadline"),
        "meeting" => lang.pick("工作例会", "meeting"),
        "agenda_item" | "agenda" => lang.pick("议程", "agenda item"),
        "decision" => lang.pick("议定事项", "decision"),
        "source" => lang.pick("来源", "source"),
        "position" => lang.pick("顺序", "position"),
        "detail" => lang.pick("说明", "details"),
        other => return format!("{prefix}{other}"),
    };
    format!("{prefix}{label}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let e = FieldError::new("due_date", Problem::DueBeforeStart);
        assert_eq!(e.message(Lang::Zh), "完成时限不能早于开始日期");
        assert_eq!(e.message(Lang::En), "due date cannot be before the start date");
    }

    #[test]
    fn unknown_reference_names_what_is_missing() {
        let e = FieldError::new("lead_unit_id", Problem::UnknownReference { what: "unit", id: "99".into() });
        assert_eq!(e.message(Lang::Zh), "责任单位：找不到单位（99）");
        assert_eq!(e.message(Lang::En), "lead unit: no such unit (99)");
    }

    #[test]
    fn target_parts_have_their_own_names() {
        assert_eq!(field_label("target.value", Lang::Zh), "目标值");
        assert_eq!(field_label("target.measure", Lang::En), "measure word");
    }

    #[test]
    fn nested_fields_keep_their_prefix() {
        assert_eq!(field_label("milestones[1].title", Lang::Zh), "milestones[1].标题");
        assert_eq!(field_label("mystery", Lang::En), "mystery");
    }

    #[test]
    fn invalid_collects_and_reports() {
        let mut inv = Invalid::default();
        assert!(inv.clone().into_result(1).is_ok());
        inv.push("title", Problem::Required);
        inv.push("code", Problem::TooLong { max: 32 });
        let err = inv.into_result(()).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert_eq!(err.0[1].problem.code(), "too_long");
        assert!(err.to_string().contains("title is required"));
    }
}
