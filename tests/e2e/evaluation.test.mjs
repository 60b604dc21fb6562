// Example models and evaluations: load the article's examples from the empty models page, record an
// evaluation on a model's page, and see its current rating change (and stay changed after a reload).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, PHONE } from './harness.mjs';
import { App, eventually, expectText, expectCount, textOf } from './pages.mjs';

const BLUP = 'ông Blup Xing'; // an example rated "very effective" in 2024

describe('examples and evaluations', () => {
  let server, context, app;

  before(async () => {
    server = await serve();
    context = await launch();
    app = await App.open(context, server.base, PHONE);
    await app.resetStorage('#/models');
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });

  test('the empty models page offers the example models, and loads them', async () => {
    await app.models.waitFor();
    await expectCount(app.models.items, 0);
    assert.deepEqual(await app.models.counts(), [0, 0]);
    await app.models.loadExamples();
    await expectText(app.toast(), 'Đã nạp 5 mô hình ví dụ');
    await expectCount(app.models.items, 5);
    assert.deepEqual(await app.models.counts(), [5, 5]);
    // The offer goes away once there are models.
    await expectCount(app.models.loadExamplesButton, 0);
    await expectCount(app.models.item(BLUP), 1);
    app.assertNoErrors();
  });

  test('recording an evaluation changes the model\'s current rating', async () => {
    await app.models.openModel(BLUP);
    await app.detail.waitFor();
    await expectText(app.detail.title, BLUP);
    assert.equal(await textOf(app.detail.currentRating), 'Rất hiệu quả');
    const before = await app.detail.evaluations.count();
    assert.ok(before >= 1, 'the example comes with an evaluation');

    // "Thêm đánh giá" is at the top of the page, visible without scrolling; it opens the form in a sheet.
    const add = await app.detail.addEvaluationButton.boundingBox();
    assert.ok(add && add.y + add.height <= 740, `the button ends at ${add && add.y + add.height}`);
    await app.detail.openEvaluation();
    // Nothing is preselected: a hurried save must not record answers nobody gave.
    for (const pressed of await app.detail.root.locator('.eval-form button[aria-pressed]').all()) {
      assert.equal(await pressed.getAttribute('aria-pressed'), 'false');
    }
    // Saving without a rating is refused, and said beside the rating buttons.
    await app.detail.saveEvaluationButton.click();
    await expectText(app.detail.root.locator('.rating-buttons [data-testid="rating-error"]'), 'Hãy chọn mức đánh giá');
    await expectCount(app.detail.evaluations, before);

    await app.detail.rate('limited');
    await expectText(app.toast(), 'Đã ghi đánh giá');
    await eventually(async () => assert.equal(await textOf(app.detail.currentRating), 'Hạn chế'));
    await expectCount(app.detail.evaluations, before + 1);
    // The newest evaluation is listed first.
    await expectText(app.detail.evaluations.first(), 'Hạn chế');
    // The sheet closes; opened again, the form is ready for the next visit.
    await app.detail.sheet.waitFor({ state: 'detached' });
    await app.detail.openEvaluation();
    assert.equal(await app.detail.rateButton('limited').getAttribute('aria-pressed'), 'false');
    await app.page.getByTestId('sheet-close').click();
    await app.detail.sheet.waitFor({ state: 'detached' });
    app.assertNoErrors();
  });

  test('the new rating is stored, shown after a reload and in the list', async () => {
    await app.reload();
    await app.detail.waitFor();
    assert.equal(await textOf(app.detail.currentRating), 'Hạn chế');
    await app.goTab('models');
    await expectText(app.models.item(BLUP), 'Hạn chế');
    app.assertNoErrors();
  });
});
