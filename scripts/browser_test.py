"""Drives PipeSched's web page in headless Chromium (Debian's chromium + chromium-driver).

Usage: browser_test.py URL DOWNLOAD_DIR SCREENSHOT.png. Run by scripts/browser-test, which starts the
server. Prints one line per check and exits 1 on the first failure.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, downloads, screenshot = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(downloads, exist_ok=True)

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
    options.add_argument(flag)
options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(browser, 60)
failures = 0


def check(name, condition, detail=""):
    global failures
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else ": " + detail))
    if not condition:
        failures += 1


def solve(method, time_limit=None):
    Select(browser.find_element(By.ID, "method")).select_by_value(method)
    if time_limit is not None:
        field = browser.find_element(By.ID, "time-limit")
        field.clear()
        field.send_keys(str(time_limit))
    before = browser.find_element(By.ID, "summary").text
    browser.find_element(By.ID, "solve").click()
    wait.until(lambda b: b.find_element(By.ID, "summary").text != before or "error" in b.find_element(By.ID, "status").get_attribute("class"))


try:
    started = time.time()
    browser.get(url)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#method option")) > 5 and len(b.find_elements(By.CSS_SELECTOR, "#example option")) > 0)
    check("page loads with methods and bundled problems", True)
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check("nothing is loaded from another host", all(r.startswith(url.rstrip("/")) for r in resources), str(resources))

    Select(browser.find_element(By.ID, "example")).select_by_value("gpt-8stage")
    solve("zb-h1")
    summary = browser.find_element(By.ID, "summary").text
    check("a synchronous solve shows its summary", "zb-h1" in summary and "lower bound" in summary, summary)
    passes = browser.find_elements(By.CSS_SELECTOR, "#timeline rect.op")
    check("the timeline draws every pass", len(passes) == 8 * 24 * 3, "%d passes" % len(passes))
    check("memory curves are drawn", len(browser.find_elements(By.CSS_SELECTOR, "#timeline path.memory")) == 8)
    webdriver.ActionChains(browser).move_to_element(passes[0]).perform()
    tip = browser.find_element(By.ID, "tooltip").text
    check("hovering a pass shows its details", "stage" in tip and "microbatch" in tip, tip)
    width = float(browser.find_element(By.CSS_SELECTOR, "#timeline svg").get_attribute("width"))
    browser.find_element(By.ID, "zoom-in").click()
    check("zoom widens the timeline", float(browser.find_element(By.CSS_SELECTOR, "#timeline svg").get_attribute("width")) > width)
    browser.find_element(By.ID, "zoom-reset").click()

    link = browser.find_element(By.XPATH, "//div[@id='downloads']/a[text()='torch-csv']")
    link.click()
    deadline = time.time() + 20
    files = []
    while time.time() < deadline:
        files = [f for f in os.listdir(downloads) if not f.endswith(".crdownload")]
        if files:
            break
        time.sleep(0.2)
    text = open(os.path.join(downloads, files[0])).read() if files else ""
    check("the torch-csv download works", text.startswith("0F0") and len(text.splitlines()) == 8, repr(text[:80]))

    browser.find_element(By.CSS_SELECTOR, "#profile-box summary").click()
    Select(browser.find_element(By.ID, "model")).select_by_value("zb-gpt-1.5b")
    Select(browser.find_element(By.ID, "hardware")).select_by_value("a100-80gb")
    Select(browser.find_element(By.ID, "placement")).select_by_visible_text("v")
    browser.find_element(By.ID, "profile").click()
    wait.until(lambda b: "profiled" in b.find_element(By.ID, "status").text or "error" in b.find_element(By.ID, "status").get_attribute("class"))
    problem_text = browser.find_element(By.ID, "problem").get_attribute("value")
    check("a bundled model is profiled into the problem", '"partition"' in problem_text and '"GiB"' in problem_text, browser.find_element(By.ID, "status").text)

    def profile_again(activations):
        field = browser.find_element(By.ID, "activations")
        field.clear()
        if activations: field.send_keys(activations)
        browser.execute_script("document.getElementById('problem').value = ''")
        browser.find_element(By.ID, "profile").click()
        wait.until(lambda b: b.find_element(By.ID, "problem").get_attribute("value") != "" or "error" in b.find_element(By.ID, "status").get_attribute("class"))
        return json.loads(browser.find_element(By.ID, "problem").get_attribute("value") or "{}")
    capped = profile_again("1.5")
    check("the Zero Bubble unit caps each device below the hardware", len(capped.get("memoryLimit", [])) == 4 and max(capped["memoryLimit"]) < 80,
          str(capped.get("memoryLimit")))
    solve("greedy")
    metrics = browser.find_element(By.ID, "metrics").text
    check("a problem profiled for another runtime carries the server's PyTorch memory warning",
          "backwardSplit stored; in PyTorch's runtime:" in metrics and "--backward-split torch" in metrics, metrics)
    Select(browser.find_element(By.ID, "split")).select_by_value("torch")
    torch_problem = profile_again("")
    check("the backward split reaches the profile", torch_problem.get("backwardSplit") == "torch", str(torch_problem.get("backwardSplit")))
    solve("zb-v")
    metrics = browser.find_element(By.ID, "metrics").text
    check("the schedule's memory model is shown, without a warning under PyTorch's split",
          "backwardSplit torch" in metrics and "PyTorch's runtime:" not in metrics, metrics)
    passes = browser.find_elements(By.CSS_SELECTOR, "#timeline rect.op")
    webdriver.ActionChains(browser).move_to_element(passes[0]).perform()
    tip = browser.find_element(By.ID, "tooltip").text
    check("the profiled problem solves and its units reach the tooltip", len(passes) == 4 * 2 * 8 * 3 and " ms" in tip, "%d passes, %r" % (len(passes), tip))
    browser.execute_script("window.scrollTo(0, 0)")
    webdriver.ActionChains(browser).move_to_element(passes[40]).perform()
    browser.save_screenshot(screenshot)

    Select(browser.find_element(By.ID, "example")).select_by_value("toy-uniform")
    solve("auto", time_limit=2)
    status = browser.find_element(By.ID, "status").text
    summary = browser.find_element(By.ID, "summary").text
    check("a job is followed to its end and drawn", "auto" in summary and "succeeded" in status, status + " / " + summary)
    check("auto's summary sets it against PyTorch's best built-in class", "PyTorch's best built-in here (Schedule" in summary, summary)
    check("the bound is shown", "lower bound" in browser.find_element(By.ID, "metrics").text)
    candidates = browser.find_elements(By.CSS_SELECTOR, "#candidates tr")
    table = browser.find_element(By.ID, "candidates").text
    check("auto's candidate table is shown with the reasons for skips", len(candidates) > 10 and "best" in table and "needs" in table, table[:300])

    browser.find_element(By.ID, "exclude").send_keys("zb-greedy, local")
    browser.execute_script("document.getElementById('summary').textContent = ''")  # the same summary may come back
    solve("auto", time_limit=2)
    table = browser.find_element(By.ID, "candidates").text
    check("auto leaves out the excluded candidates", "auto" in browser.find_element(By.ID, "summary").text
          and "zb-greedy" not in table and "local(" not in table and "greedy" in table, table[:300])
    browser.find_element(By.ID, "exclude").clear()

    browser.find_element(By.ID, "problem").clear()
    browser.find_element(By.ID, "problem").send_keys('{"devices": 2}')
    browser.find_element(By.ID, "solve").click()
    wait.until(lambda b: "error" in b.find_element(By.ID, "status").get_attribute("class"))
    check("a bad problem shows the field", "microbatches" in browser.find_element(By.ID, "status").text or "stages" in browser.find_element(By.ID, "status").text,
          browser.find_element(By.ID, "status").text)

    check("screenshot saved to " + screenshot, os.path.getsize(screenshot) > 10000)
    print("%d checks failed (%.1f s)" % (failures, time.time() - started))
finally:
    browser.quit()
sys.exit(1 if failures else 0)
