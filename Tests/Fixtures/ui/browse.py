"""Drives headless Chromium through `spindle ui` for RunBrowserTests.

    python browse.py BASE_URL SCREENSHOT_DIR LIVE_CARD_PATH CARD_FILE

Opens the runs list, a run, a task (its artifact table and its card in an
iframe, whose charts and image must really draw), an artifact's full value,
a spin's diff, a live card whose progress must advance, and a card file
opened from disk with the network off, which must draw the same as served.
Every page is also checked for the hostile strings CardFlow plants: a
script that ran would set window.__xss. A screenshot of each page is saved.
Prints one JSON list of checks; exits 1 when any failed.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, shots, live_path, card_file = sys.argv[1:5]
os.makedirs(shots, exist_ok=True)
options = Options()
options.binary_location = "/usr/bin/chromium"
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1100"]:
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)
results = []


def check(name, ok, detail=""):
    results.append({"check": name, "ok": bool(ok), "detail": str(detail)[:400]})


def shot(name):
    driver.save_screenshot(os.path.join(shots, name + ".png"))


def no_script_ran(where):
    check(f"{where}: no planted script ran", driver.execute_script("return window.__xss === undefined"))


# How many charts (SVGs with a drawn mark inside) a document has.
DRAWN = """
return Array.from(document.querySelectorAll('svg')).filter(function (s) {
  var marks = s.querySelectorAll('path, polyline, rect, circle, line');
  for (var i = 0; i < marks.length; i++) { var b = marks[i].getBBox(); if (b.width > 0 || b.height > 0) return true; }
  return false;
}).length;
"""

try:
    # The runs list.
    driver.get(base)
    rows = driver.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
    check("runs list shows the runs", len(rows) >= 2, len(rows))
    no_script_ran("runs list")
    shot("01-runs")
    driver.get(base + "?q=completed")
    check("runs list filters", all("completed" in r.text for r in driver.find_elements(By.CSS_SELECTOR, "#runs tbody tr")))

    # A run: the graph drew, the tasks are listed.
    driver.get(base)
    driver.find_element(By.LINK_TEXT, "CardFlow/1").click()
    check("run page: the graph drew", driver.execute_script(DRAWN) >= 1)
    tasks = driver.find_elements(By.CSS_SELECTOR, "#tasks tbody tr")
    check("run page lists its tasks", len(tasks) == 3, len(tasks))
    no_script_ran("run page")
    shot("02-run")

    # A task: its artifacts, and its card drawn inside the iframe.
    driver.find_element(By.LINK_TEXT, "start/1").click()
    names = [r.find_element(By.CSS_SELECTOR, "td").text for r in driver.find_elements(By.CSS_SELECTOR, "#artifacts tbody tr")]
    check("task page: the artifact table", "curve" in " ".join(names) and "label" in " ".join(names), names)
    check("task page: the log is escaped text", "<script>window.__xss=1</script>" in driver.find_element(By.ID, "logs").text)
    no_script_ran("task page")
    driver.switch_to.frame(driver.find_element(By.ID, "card"))
    time.sleep(0.3)
    check("card: its charts drew", driver.execute_script(DRAWN) >= 3, driver.execute_script(DRAWN))
    check("card: its image decoded", driver.execute_script("var i = document.querySelector('img'); return i && i.complete && i.naturalWidth === 2"))
    headings = driver.execute_script("return Array.from(document.querySelectorAll('h1, h2, h3')).map(function (h) { return h.textContent })")
    check("card: the hostile markdown heading is text", any("<script>window.__xss=1</script>" in h for h in headings), headings)
    no_script_ran("card in its frame")
    served_charts = driver.execute_script(DRAWN)
    served_text = driver.execute_script("return document.body.innerText")
    driver.switch_to.default_content()
    shot("03-task")

    # The artifact's full value, with a chart.
    driver.find_element(By.LINK_TEXT, "curve").click()
    check("value page: the array is charted", driver.execute_script(DRAWN) >= 1)
    check("value page: the values are listed", "[Double]" in driver.find_element(By.ID, "value").text)
    shot("04-value")

    # A spin, followed from the task it re-ran to its diff.
    driver.get(base + "task/CardFlow/1/train/2")
    links = driver.find_elements(By.CSS_SELECTOR, "#spins a.spin-diff")
    check("task page lists the spins that re-ran it", len(links) == 1, len(links))
    links[0].click()
    diff = driver.find_element(By.ID, "diff").text
    check("diff page: the changes", "losses" in diff, diff)
    check("diff page: old and new arrays drawn over each other", driver.execute_script(DRAWN) >= 1)
    shot("05-diff")

    # A live card: its progress advances while the step runs.
    driver.get(base + live_path.lstrip("/"))
    first = driver.execute_script("var p = document.querySelector('progress'); return p ? p.value : -1")
    time.sleep(2.5)
    second = driver.execute_script("var p = document.querySelector('progress'); return p ? p.value : -1")
    check("live card: the progress advances", first >= 0 and second > first, (first, second))
    shot("06-live")

    # The card file from disk, with the network off: drawn the same.
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    driver.get("file://" + card_file)
    time.sleep(0.3)
    check("card file offline: the charts drew as served", driver.execute_script(DRAWN) == served_charts, (driver.execute_script(DRAWN), served_charts))
    check("card file offline: the same text", driver.execute_script("return document.body.innerText") == served_text)
    check("card file offline: the image decoded", driver.execute_script("var i = document.querySelector('img'); return i && i.naturalWidth === 2"))
    no_script_ran("card file")
    shot("07-card-file")
except Exception as e:  # a step that could not run is a failed check, with the reason
    check("the browser session ran to the end", False, repr(e))
    try:
        shot("99-failure")
    except Exception:
        pass
finally:
    driver.quit()

print(json.dumps(results))
sys.exit(0 if all(r["ok"] for r in results) else 1)
