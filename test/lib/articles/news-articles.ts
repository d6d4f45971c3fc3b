/** News-style articles written for the tests, with weekdays around a weekend and across a month and a year. */

/** Published Tuesday 21 June 2022 (Kyiv time): the reference day. */
export const DONBAS_ROUNDUP = {
  url: 'https://news.example.org/2022/06/21/donbas-roundup',
  title: 'Donbas roundup',
  publisher: 'Example Wire',
  publishedAt: '2022-06-21T09:30:00+03:00',
  text: `Russian officials said Monday that their forces had taken the village of Toshkivka. The claim could not be verified.

The governor of Luhansk told the agency on Tuesday that shelling of Lysychansk had not stopped.

Russian troops captured the outskirts of Sievierodonetsk a fortnight ago. A court in Donetsk sentenced three foreign fighters earlier this month.

Missiles struck Odesa overnight, the regional administration said.

EU leaders will discuss Ukraine's candidacy in Brussels on Thursday. The summits follow on Friday.`,
};

/** Published Monday 2 January 2023, 07:00 UTC: "on Friday" is 30 December 2022. */
export const NEW_YEAR_STRIKES = {
  url: 'https://news.example.org/2023/01/02/kyiv-new-year',
  publisher: 'Example Wire',
  publishedAt: '2023-01-02T07:00:00Z',
  text: `Officials said on Friday that the power grid in Kyiv had been repaired. Drones struck the capital yesterday.
Russia fired more than 100 missiles at Ukraine last week, the air force said.

The central bank raised rates last month. Prices first rose in March, the bank said.

Schools will reopen on Wednesday, the mayor said.`,
};

/** Published Monday 1 August 2022 (a date, no time), without a URL. */
export const GRAIN_SHIPS = {
  title: 'Grain ships leave Odesa',
  publisher: 'Harbour Daily',
  publishedAt: '2022-08-01',
  text: `The first grain ship left Odesa on Monday. Port workers loaded it on Saturday and inspectors checked it on Sunday.

Talks in Istanbul ended on Friday. Fighting continued over the weekend.

Exports fell sharply last month. Officials expect them to recover later this month.

The deal was signed on 22 July 2022 in Istanbul. A similar plan was first floated June 3.

The blockade began in 2014 in the Sea of Azov, a minister said. Parliament will vote on the deal next Tuesday.`,
};
