// The grid worker's live category suggestion: the description and the chosen point go to the same
// engine that routes real filings (nothing is written); the answer is shown under the form.
(function () {
  const box = document.getElementById("suggestion");
  if (!box) return;
  const form = box.closest("form");
  const description = document.getElementById("description");
  const lat = document.getElementById("lat"), lng = document.getElementById("lng");
  let timer = null, asked = 0;

  function show(answer) {
    if (!answer.category) { box.textContent = "暂未识别出事项分类，上报后由指挥中心分拨"; return; }
    const where = answer.grid ? `${answer.town.name} · ${answer.grid.name}` : "位置不在任何网格内";
    const unit = answer.department ? answer.department.name : (answer.police ? "公安机关" : "指挥中心分拨");
    box.innerHTML = "";
    const line = document.createElement("div");
    line.textContent = `建议分类：${answer.category.major.name} / ${answer.category.minor.name} → ${unit}（置信度 ${Math.round(answer.confidence * 100)}%）`;
    const detail = document.createElement("small");
    detail.textContent = `${where}。${answer.explanation}`;
    box.append(line, detail);
  }

  function ask() {
    const text = description.value.trim();
    if (text.length < 4) { box.textContent = ""; return; }
    const mine = ++asked;
    fetch(box.dataset.url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": form.querySelector("[name=csrf_token]").value},
      body: JSON.stringify({description: text, lat: lat.value ? Number(lat.value) : null, lng: lng.value ? Number(lng.value) : null}),
    }).then(r => r.ok ? r.json() : null).then(answer => { if (answer && mine === asked) show(answer); });
  }

  const later = () => { clearTimeout(timer); timer = setTimeout(ask, 350); };
  description.addEventListener("input", later);
  lat.addEventListener("change", later);
})();
