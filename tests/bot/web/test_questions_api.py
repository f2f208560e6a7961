"""Ask a person over the API: the owner's question (with or without consent), the staff's list and
answer with citations, the answer shown once in the widget's read, retries, errors, forget."""

from __future__ import annotations

from typing import Any

import httpx

from bot.store import Store

from .conftest import STAFF_TOKEN

STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
ZH = {"Accept-Language": "zh-CN"}


async def started_session(client: httpx.AsyncClient, answer: str | None = "渝中区") -> str:
    session_id = (await client.post("/api/sessions", json={"locale": "zh-CN"})).json()["session_id"]
    if answer is not None:
        assert (await client.post(f"/api/sessions/{session_id}/messages", json={"text": answer})).status_code == 200
    return session_id


async def ask(client: httpx.AsyncClient, session_id: str, text: str = "我们能申请算力券吗？", consent: bool = True,
              request_id: str = "req-000001") -> httpx.Response:
    return await client.post(f"/api/sessions/{session_id}/questions", headers=ZH,
                             json={"text": text, "consent": consent, "request_id": request_id})


async def open_questions(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/questions", headers=STAFF)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    return response.json()["questions"]


async def test_a_question_with_consent_reaches_staff_with_the_answers(client: httpx.AsyncClient) -> None:
    session_id = await started_session(client)
    before = (await client.get(f"/api/sessions/{session_id}")).json()
    left = await ask(client, session_id)
    assert left.status_code == 201
    assert left.json()["messages"] == ["已发送给工作人员：“我们能申请算力券吗？”", "已附上您已填写的信息和评估结果。"]
    again = await ask(client, session_id)  # a retried send is the same question
    assert again.json()["question"]["id"] == left.json()["question"]["id"]
    [question] = await open_questions(client)
    assert question["text"] == "我们能申请算力券吗？" and question["consent"] is True
    assert question["answers"]["district"] == "渝中区" and question["channel"] == "web"
    assert question["answers_shown"] == [["注册及纳税所在区县", "渝中区"]] and question["result_shown"] is None
    after = (await client.get(f"/api/sessions/{session_id}")).json()
    assert after["turn"] == before["turn"] and after["expects"] == before["expects"]  # nothing answered is lost


async def test_without_consent_only_the_question_is_sent(client: httpx.AsyncClient) -> None:
    session_id = await started_session(client)
    left = await ask(client, session_id, consent=False)
    assert left.json()["messages"][1] == "只发送了问题本身，没有附上您填写的信息。"
    [question] = await open_questions(client)
    assert question["answers"] is None and question["result"] is None and question["consent"] is False


async def test_staff_answer_once_with_a_verbatim_citation_and_the_widget_shows_it_once(
        client: httpx.AsyncClient) -> None:
    session_id = await started_session(client)
    question_id = (await ask(client, session_id)).json()["question"]["id"]
    body = {"text": "可以申请，见第八条。", "citations": ["CQ2025-8"], "request_id": "staff-000001"}
    answered = await client.post(f"/api/questions/{question_id}/answer", headers=STAFF, json=body)
    assert answered.status_code == 200, answered.text
    assert answered.json()["delivery"] == "widget"
    [citation] = answered.json()["question"]["answer"]["citations"]
    faq = (await client.get("/api/faq", params={"q": "算力券", "limit": 1})).json()["results"][0]
    assert citation["clause_id"] == faq["clause_id"] == "CQ2025-8"
    assert citation["quote"] == faq["citation"]["quote"] and citation["document"] == faq["citation"]["document"]
    retried = await client.post(f"/api/questions/{question_id}/answer", headers=STAFF, json=body)
    assert retried.status_code == 200 and retried.json()["question"]["answer"] == answered.json()["question"]["answer"]
    other = await client.post(f"/api/questions/{question_id}/answer", headers={**STAFF, **ZH},
                              json={**body, "request_id": "staff-000002", "text": "另一个回复"})
    assert other.status_code == 409 and other.json()["message"] == "这个问题已经有人回复过了。"
    assert await open_questions(client) == []

    first = (await client.get(f"/api/sessions/{session_id}/questions")).json()["questions"]
    assert [(q["new"], q["answer"]["text"]) for q in first] == [(True, "可以申请，见第八条。")]
    assert first[0]["answer"]["citations"][0]["quote"] == faq["citation"]["quote"]
    second = (await client.get(f"/api/sessions/{session_id}/questions")).json()["questions"]
    assert [q["new"] for q in second] == [False]


async def test_bad_requests_get_localised_messages(client: httpx.AsyncClient) -> None:
    session_id = await started_session(client)
    empty = await ask(client, session_id, text="   ")
    assert empty.status_code == 422 and "text" in empty.json()["message"]
    too_long = await ask(client, session_id, text="问" * 1001)
    assert too_long.status_code == 422 and "1000" in too_long.json()["message"]
    assert (await ask(client, "x" * 40)).status_code == 404
    question_id = (await ask(client, session_id)).json()["question"]["id"]
    unknown = await client.post(f"/api/questions/{question_id}/answer", headers={**STAFF, **ZH},
                                json={"text": "见条款", "citations": ["NOPE-1"], "request_id": "staff-000003"})
    assert unknown.status_code == 422 and "NOPE-1" in unknown.json()["message"]
    missing = await client.post(f"/api/questions/{'0' * 32}/answer", headers=STAFF,
                                json={"text": "x", "request_id": "staff-000004"})
    assert missing.status_code == 404 and missing.json()["message"]
    assert (await client.get("/api/questions")).status_code == 401
    assert (await client.post(f"/api/questions/{question_id}/answer",
                              json={"text": "x", "request_id": "staff-000005"})).status_code == 401


async def test_deleting_the_session_forgets_its_questions(client: httpx.AsyncClient, store: Store) -> None:
    session_id = await started_session(client)
    await ask(client, session_id)
    other = await started_session(client)
    await ask(client, other, request_id="req-000002")
    assert (await client.delete(f"/api/sessions/{session_id}")).status_code == 204
    assert await store.questions_of(f"web:{session_id}") == []  # type: ignore[attr-defined]
    assert [q["text"] for q in await open_questions(client)] == ["我们能申请算力券吗？"]
    assert len(await store.questions_of(f"web:{other}")) == 1  # type: ignore[attr-defined]


async def test_the_staff_page_carries_the_questions_section_its_strings_and_script(client: httpx.AsyncClient) -> None:
    page = (await client.get("/staff", params={"lang": "en"})).text
    assert 'id="sq-list"' in page and "/static/staff_questions.js" in page and "/static/staff_questions.css" in page
    assert "Open questions" in page and '"cite_button": "Cite"' in page


def test_the_questions_script_hard_codes_no_ui_text_and_never_writes_html() -> None:
    import re

    from bot.web.main import STATIC_DIR

    for name in ("staff_questions.js", "widget.js"):
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", (STATIC_DIR / name).read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"[\u4e00-\u9fff]", code), name
        assert "innerHTML" not in code and "insertAdjacentHTML" not in code and "sessionStorage" not in code
        for word in ("Cite", "Answer", "Send", "Ask a person"):
            assert f'"{word}"' not in code, (name, word)


async def test_typed_words_asking_for_a_person_are_not_applied(client: httpx.AsyncClient) -> None:
    session_id = await started_session(client)
    before = (await client.get(f"/api/sessions/{session_id}")).json()
    asked = await client.post(f"/api/sessions/{session_id}/messages", json={"text": "转人工：能申请算力券吗", "turn": 2})
    assert asked.status_code == 200 and asked.json()["ask_person"] == {"text": "能申请算力券吗"}
    assert asked.json()["turn"] == before["turn"] and asked.json()["expects"] == before["expects"]
    after = (await client.get(f"/api/sessions/{session_id}")).json()
    assert after["turn"] == before["turn"] and after["answers"] == before["answers"]
    plain = await client.post(f"/api/sessions/{session_id}/messages", json={"text": "是"})
    assert plain.json()["ask_person"] is None and plain.json()["turn"] == before["turn"] + 1
