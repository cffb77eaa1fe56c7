"""Web pages for teaching Suara the team's election: /label (label posts chosen by active
learning; editors and admins only) and /label/evaluate (what the labels bought: shipped vs
the workspace's own model; everybody who can read). Queries live in the library
(`suara.enrich.labelling`, `suara.store.labels`); this module only routes and renders.

Registered by the app with one line: ``app.include_router(labelling.router(...))``.
"""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

__all__ = ["router", "TEXTS"]

#: the page's words, Bahasa Indonesia first (English on request)
TEXTS = {
    "id": {"title": "Pelabelan", "eval_title": "Evaluasi model tim", "task": "Tugas",
           "sentiment": "Sentimen per kandidat", "toxicity": "Toksisitas", "category": "Kategori",
           "new_category": "Kategori baru (mis. kampanye_hitam)", "show": "Tampilkan",
           "why": "Dipilih karena model paling ragu (ketidakpastian {u}); tebakan model: {p}",
           "toward": "Sentimen terhadap", "positive": "Positif", "neutral": "Netral",
           "negative": "Negatif", "toxic": "Toksik", "not_toxic": "Tidak toksik", "yes": "Ya",
           "no": "Tidak", "skip": "Lewati", "save": "Simpan label", "none": "Tidak ada pos untuk "
           "dilabeli: impor pos lebih dulu (atau semua sudah dilabeli).", "counts": "Label tersimpan",
           "saved": "{n} label tersimpan.", "labels": "label", "shipped": "Model bawaan",
           "adapted": "Model tim", "folds": "validasi silang {k}-lipat", "confusion":
           "Matriks kebingungan (baris = label, kolom = tebakan)", "train_hint":
           "Latih model tim dengan: suara train {task} -w RUANG_KERJA", "no_labels":
           "Belum ada label.", "macro_f1": "macro-F1", "version": "versi aktif",
           "not_trained": "belum dilatih", "eval_link": "Lihat evaluasi", "label_link": "Beri label"},
    "en": {"title": "Labelling", "eval_title": "Team model evaluation", "task": "Task",
           "sentiment": "Sentiment per candidate", "toxicity": "Toxicity", "category": "Category",
           "new_category": "New category (e.g. black_campaign)", "show": "Show",
           "why": "Picked because the model is unsure (uncertainty {u}); model's guess: {p}",
           "toward": "Sentiment toward", "positive": "Positive", "neutral": "Neutral",
           "negative": "Negative", "toxic": "Toxic", "not_toxic": "Not toxic", "yes": "Yes",
           "no": "No", "skip": "Skip", "save": "Save labels", "none": "No posts to label: import "
           "posts first (or every post is labelled).", "counts": "Stored labels",
           "saved": "{n} labels saved.", "labels": "labels", "shipped": "Shipped model",
           "adapted": "Team model", "folds": "{k}-fold cross-validation", "confusion":
           "Confusion matrix (rows = label, columns = prediction)", "train_hint":
           "Train the team model with: suara train {task} -w WORKSPACE", "no_labels":
           "No labels yet.", "macro_f1": "macro-F1", "version": "active version",
           "not_trained": "not trained yet", "eval_link": "See evaluation", "label_link": "Label"},
}


def router(ws, lock, require, check_csrf, render, lang_of) -> APIRouter:
    """The labelling routes over workspace ``ws``; ``lock`` guards the store's connection and
    ``require``/``check_csrf``/``render``/``lang_of`` are the app's own helpers."""
    from suara.enrich.adapt import active_models
    from suara.enrich.labelling import evaluate_labels, suggest
    from suara.store.labels import (LABELS, LabelError, add_labels, check_task, label_counts,
                                    task_kind)

    r = APIRouter(include_in_schema=False)
    eval_cache: dict[tuple, list] = {}

    def _task(raw: str | None) -> str:
        try:
            return check_task(raw or "sentiment")
        except LabelError as e:
            raise HTTPException(400, str(e)) from None

    def _tasks() -> list[str]:
        with lock:
            c = label_counts(ws.store)
        cats = sorted({t for t in c["task"] if t.startswith("category:")}) if len(c) else []
        cats += sorted(t for t in active_models(ws.path) if t.startswith("category:") and t not in cats)
        return ["sentiment", "toxicity"] + cats

    @r.get("/label", response_class=HTMLResponse)
    def label_page(request: Request, task: str = "sentiment", saved: int | None = None,
                   user: dict = Depends(require("label"))):
        t = TEXTS[lang_of(request)]
        task = _task(task)
        with lock:
            todo = suggest(ws, task, n=10, pool=800)
            counts = label_counts(ws.store)
        names = {c.ballot: f"{c.ballot} · {c.name}" for c in ws.election.candidates}
        items = [{"platform": x.platform, "post_id": x.post_id, "text": x.text,
                  "targets": ([(b, names.get(b, b)) for b in x.candidates] if task == "sentiment" else [])
                  or [(None, "")],
                  "why": t["why"].format(u=f"{x.uncertainty:.2f}", p=x.prediction or "–")}
                 for x in todo.itertuples(index=False)]
        return render(request, "label.html", user, title=t["title"], page="label", charts=False, L=t,
                      task=task, kind=task_kind(task), tasks=_tasks(), items=items,
                      choices=LABELS[task_kind(task)], saved=saved,
                      counts=counts.to_dict("records"))

    @r.post("/label")
    async def label_form(request: Request, csrf: str = Form(""), task: str = Form("sentiment"),
                         user: dict = Depends(require("label"))):
        check_csrf(request, user, csrf)
        task = _task(task)
        form = await request.form()
        rows = []
        # fields: l|platform|post_id|target = label ("" = skipped)
        for key, value in form.multi_items():
            if not key.startswith("l|") or not str(value):
                continue
            parts = key.split("|", 3)
            if len(parts) != 4:
                raise HTTPException(400, f"field {key!r}: not a label field")
            _, platform, post_id, target = parts
            rows.append({"platform": platform, "post_id": post_id, "task": task,
                         "target": target or None, "label": str(value)})
        try:
            with lock:
                n = add_labels(ws.store, rows, labeller=user["username"], source="web")
        except LabelError as e:
            raise HTTPException(400, str(e)) from None
        return RedirectResponse("/label?" + urlencode({"task": task, "saved": n}), status_code=303)

    @r.get("/label/evaluate", response_class=HTMLResponse)
    def evaluate_page(request: Request, user: dict = Depends(require("read"))):
        t = TEXTS[lang_of(request)]
        with lock:
            n = ws.store.count("labels")
            key = (n, tuple(sorted((k, m.version) for k, m in active_models(ws.path).items())))
            res = eval_cache.get(key)
            if res is None:
                eval_cache.clear()
                res = eval_cache[key] = evaluate_labels(ws)
        return render(request, "label_eval.html", user, title=t["eval_title"], page="label",
                      charts=False, L=t, results=res)

    return r
